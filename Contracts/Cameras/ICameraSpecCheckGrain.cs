using Orleans.Concurrency;

namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// Checks a camera request against what a silo can run: its URL against the silo's media roots and the sources it
/// opens, its model against the silo's models folder. The gateway asks before it writes a camera to the registry, so
/// a request the silos would refuse is answered 400 with the silo's own reason. Stateless: any key will do; in a
/// cluster the silo that receives the call answers (silos share their models and media roots by deployment).
/// </summary>
public interface ICameraSpecCheckGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The verdict on <paramref name="url"/> (null: not checked) and <paramref name="model"/>, with the model's class
    /// labels when it can be loaded.
    /// </summary>
    /// <remarks>Kept beside the overload with tracker settings so that a gateway of the previous release, which calls
    /// this one, still gets its answer from an upgraded silo during a rolling upgrade.</remarks>
    [ReadOnly]
    Task<CameraSpecCheck> CheckAsync(string? url, string model);

    /// <summary>
    /// The same verdicts, and on <paramref name="tracking"/> merged with the silo's tracker settings (null: the silo's
    /// own, nothing to check).
    /// </summary>
    [ReadOnly]
    Task<CameraSpecCheck> CheckAsync(string? url, string model, TrackingSpec? tracking);
}
