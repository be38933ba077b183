namespace VideoAnalytics.Contracts.Cameras;

/// <summary>A camera's observed condition, as its grain reports it. URLs in <see cref="LastError"/> are redacted.</summary>
[GenerateSerializer, Immutable]
public sealed record CameraStatus
{
    [Id(0)]
    public required string Id { get; init; }

    [Id(1)]
    public CameraState State { get; init; } = CameraState.Starting;

    [Id(2)]
    public string? LastError { get; init; }

    [Id(3)]
    public DateTimeOffset? LastFrameAt { get; init; }

    /// <summary>Frames per second read from the source (before sampling down to the target fps).</summary>
    [Id(4)]
    public double InputFps { get; init; }

    /// <summary>Frames per second analysed and published.</summary>
    [Id(5)]
    public double ProcessedFps { get; init; }

    [Id(6)]
    public long FramesCaptured { get; init; }

    [Id(7)]
    public long FramesProcessed { get; init; }

    [Id(8)]
    public long FramesDropped { get; init; }

    /// <summary>
    /// The inference device serving the camera (<c>cpu</c>, <c>cuda:0</c>), or e.g. <c>cpu (fallback for cuda:0)</c> when
    /// a configured GPU could not be used; null when no silo runs it.
    /// </summary>
    [Id(12)]
    public string? Device { get; init; }

    /// <summary>The silo running the camera; null when no silo runs it.</summary>
    [Id(9)]
    public string? Silo { get; init; }

    [Id(10)]
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Fencing epoch of the camera's current activation (every frame it publishes carries it); 0 before any ran.</summary>
    [Id(11)]
    public long Epoch { get; init; }
}
