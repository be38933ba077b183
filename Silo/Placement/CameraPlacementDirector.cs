using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace VideoAnalytics.Silo.Placement;

/// <summary>Orleans' hook for <see cref="CameraPlacementStrategy"/>: picks the silo for a new camera activation.</summary>
public sealed class CameraPlacementDirector(CameraPlacement placement) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        var camera = target.GrainIdentity.Key.ToString();
        return Task.FromResult(placement.Choose(camera, silos) ?? context.LocalSilo);
    }
}
