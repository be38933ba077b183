using Orleans.Runtime;

namespace VideoAnalytics.Silo.Placement;

/// <summary>
/// Cameras go where <see cref="RendezvousPlacement"/> puts them among the active silos, weighted by capacity.
/// Orleans' default placement (resource-optimised) put 12 of 12 test grains on one silo.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class CameraPlacementStrategy : PlacementStrategy
{
    internal static CameraPlacementStrategy Instance { get; } = new();
}
