using Orleans.Placement;

namespace VideoAnalytics.Silo.Placement;

/// <summary>Places a grain with <see cref="InferencePlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class InferencePlacementAttribute() : PlacementAttribute(InferencePlacementStrategy.Instance);
