namespace VideoAnalytics.Contracts.Inference;

/// <summary>
/// The inference grain of one device on one silo, keyed <c>{silo name}/{device}</c> (<see cref="InferenceGrainKey"/>).
/// Placement pins it to the silo its key names and refuses a key naming a silo or device that is not in the cluster:
/// there is no other place it could run, since the device and the frames it batches belong to that silo. Frames never
/// pass through it: cameras on its silo hand them to its worker by reference. It is kept alive while its silo runs.
/// </summary>
public interface IInferenceGrain : IGrainWithStringKey
{
    /// <summary>What the device's worker is doing now: cameras attached, frames waiting, batches run, models loaded.</summary>
    Task<InferenceStatus> GetStatusAsync();
}
