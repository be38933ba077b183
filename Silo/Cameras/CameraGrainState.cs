using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// What a camera grain persists (storage <see cref="CameraGrain.StorageName"/>: Redis in a cluster, memory in one
/// process): the last fencing epoch an activation took and the spec it last ran. The epoch is never reset, not even
/// when the camera is removed, so a re-added camera's frames still fence out a stale silo's.
/// </summary>
[GenerateSerializer]
public sealed record CameraGrainState
{
    [Id(0)]
    public long Epoch { get; init; }

    [Id(1)]
    public CameraSpec? Spec { get; init; }
}
