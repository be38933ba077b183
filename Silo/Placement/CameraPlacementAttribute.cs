using Orleans.Placement;

namespace VideoAnalytics.Silo.Placement;

/// <summary>Places a grain with <see cref="CameraPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CameraPlacementAttribute() : PlacementAttribute(CameraPlacementStrategy.Instance);
