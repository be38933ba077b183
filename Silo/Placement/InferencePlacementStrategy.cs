using Orleans.Runtime;

namespace VideoAnalytics.Silo.Placement;

/// <summary>
/// An inference grain runs on the silo its key names (<c>{silo}/{device}</c>) and nowhere else: its worker, device and
/// the frames it batches are that silo's. A key naming a silo or device the cluster does not have is refused.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class InferencePlacementStrategy : PlacementStrategy
{
    internal static InferencePlacementStrategy Instance { get; } = new();
}
