namespace VideoAnalytics.Contracts.Cameras;

/// <summary>A camera's observed condition, as its grain reports it. URLs in <see cref="LastError"/> are redacted.</summary>
public sealed record CameraStatus
{
    public required string Id { get; init; }

    public CameraState State { get; init; } = CameraState.Starting;

    public string? LastError { get; init; }

    public DateTimeOffset? LastFrameAt { get; init; }

    /// <summary>Frames per second read from the source (before sampling down to the target fps).</summary>
    public double InputFps { get; init; }

    /// <summary>Frames per second analysed and published.</summary>
    public double ProcessedFps { get; init; }

    public long FramesCaptured { get; init; }

    public long FramesProcessed { get; init; }

    public long FramesDropped { get; init; }

    /// <summary>
    /// The inference device serving the camera (<c>cpu</c>, <c>cuda:0</c>), or e.g. <c>cpu (fallback for cuda:0)</c> when
    /// a configured GPU could not be used; null when no silo runs it.
    /// </summary>
    public string? Device { get; init; }

    /// <summary>The silo running the camera; null when no silo runs it.</summary>
    public string? Silo { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
