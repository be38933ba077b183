using VideoAnalytics.Contracts.Analytics;

namespace VideoAnalytics.Contracts.Cameras;

/// <summary>A camera's observed condition, as its grain reports it. URLs in <see cref="LastError"/> are redacted.</summary>
/// <remarks>Everything here describes the camera now: <see cref="LastError"/> is null while it streams (or was switched
/// off), and the rates are 0 whenever it does not stream. What went wrong last stays in <see cref="LastFailure"/>.</remarks>
[GenerateSerializer, Immutable]
public sealed record CameraStatus
{
    [Id(0)]
    public required string Id { get; init; }

    [Id(1)]
    public CameraState State { get; init; } = CameraState.Starting;

    /// <summary>Why the camera is not streaming (reconnecting, failed, stopped at the end of a file); null while it streams.</summary>
    [Id(2)]
    public string? LastError { get; init; }

    /// <summary>The most recent failure, kept after the camera recovered; null when it never failed in this activation.</summary>
    [Id(13)]
    public CameraFailure? LastFailure { get; init; }

    [Id(3)]
    public DateTimeOffset? LastFrameAt { get; init; }

    /// <summary>Frames per second read from the source (before sampling down to the target fps); 0 unless streaming.</summary>
    [Id(4)]
    public double InputFps { get; init; }

    /// <summary>Frames per second analysed and published; 0 unless streaming.</summary>
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

    /// <summary>What the camera's zones and lines count now (empty without any, or while no silo runs it).</summary>
    [Id(14)]
    public SceneCounts Scene { get; init; } = SceneCounts.Empty;

    /// <summary>
    /// This status as it reads once the camera is not streaming: no rates (a rate window would otherwise show the
    /// last seconds' frames for a while), no error unless one is given (a switched-off camera has none), nothing in its
    /// zones.
    /// </summary>
    public CameraStatus NotStreaming(CameraState state, string? error = null) =>
        this with { State = state, InputFps = 0, ProcessedFps = 0, LastError = error, Scene = SceneCounts.Empty };
}
