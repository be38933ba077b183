namespace VideoAnalytics.Contracts.Inference;

/// <summary>The state of one inference grain's worker, as <see cref="IInferenceGrain.GetStatusAsync"/> reports it.</summary>
[GenerateSerializer, Immutable]
public sealed record InferenceStatus
{
    /// <summary>The silo the grain runs on (its key's silo part).</summary>
    [Id(0)] public required string Silo { get; init; }

    /// <summary>The device the worker's sessions run on: <c>cpu</c> or <c>cuda:N</c>.</summary>
    [Id(1)] public required string Device { get; init; }

    /// <summary>The device <c>Inference:Devices</c> names (the key's device part); differs from <see cref="Device"/> after a fallback.</summary>
    [Id(2)] public required string RequestedDevice { get; init; }

    /// <summary>True when the requested device could not be used and the worker serves its cameras on the CPU.</summary>
    [Id(3)] public bool FellBackToCpu { get; init; }

    /// <summary>Ids of the cameras whose frames the worker batches now.</summary>
    [Id(4)] public IReadOnlyList<string> Cameras { get; init; } = [];

    /// <summary>Frames waiting for the next batch (at most one per camera: latest frame wins).</summary>
    [Id(5)] public int QueueDepth { get; init; }

    /// <summary>Batches run since the worker started.</summary>
    [Id(6)] public long Batches { get; init; }

    /// <summary>Models loaded on <see cref="Device"/> and served from memory.</summary>
    [Id(7)] public IReadOnlyList<string> ModelsLoaded { get; init; } = [];
}
