using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Gateway.Cameras;

/// <summary>What GET /api/cameras returns per camera: its spec (credentials redacted) and its status.</summary>
public sealed record CameraView
{
    public required string Id { get; init; }

    public required string Url { get; init; }

    public double Fps { get; init; }

    public required string Model { get; init; }

    public double MinScore { get; init; }

    public IReadOnlyList<string> Classes { get; init; } = [];

    public bool Enabled { get; init; }

    public IReadOnlyList<ZoneSpec> Zones { get; init; } = [];

    public IReadOnlyList<LineSpec> Lines { get; init; } = [];

    /// <summary>The camera's own tracker settings as set (null fields, or null: the silo's <c>Inference:Tracking:*</c>).</summary>
    public TrackingSpec? Tracking { get; init; }

    /// <summary>Objects in each zone now by class, and each line's crossings by direction since the capture started.</summary>
    public SceneCounts Scene { get; init; } = SceneCounts.Empty;

    public CameraState State { get; init; }

    /// <summary>Why the camera is not streaming now; null while it streams or is switched off.</summary>
    public string? LastError { get; init; }

    /// <summary>The most recent failure (<c>at</c>, <c>reason</c>), kept after the camera recovered.</summary>
    public CameraFailure? LastFailure { get; init; }

    public DateTimeOffset? LastFrameAt { get; init; }

    public double InputFps { get; init; }

    public double ProcessedFps { get; init; }

    public long FramesCaptured { get; init; }

    public long FramesProcessed { get; init; }

    public long FramesDropped { get; init; }

    /// <summary>The inference device serving the camera; says so when a GPU's cameras fell back to the CPU.</summary>
    public string? Device { get; init; }

    public string? Silo { get; init; }

    public static CameraView From(CameraSpec spec, CameraStatus? status)
    {
        // A camera just switched off may still have a streaming report on the board until its grain stops: it reads
        // as stopped, and so without rates or an error.
        var state = !spec.Enabled ? CameraState.Stopped : status?.State ?? CameraState.Starting;
        var streaming = state == CameraState.Streaming;
        return new()
        {
            Id = spec.Id,
            Url = UrlRedaction.Redact(spec.Url),
            Fps = spec.Fps,
            Model = spec.Model,
            MinScore = spec.MinScore,
            Classes = spec.Classes,
            Enabled = spec.Enabled,
            Zones = spec.Zones,
            Lines = spec.Lines,
            Tracking = spec.Tracking,
            Scene = streaming ? status?.Scene ?? SceneCounts.Empty : SceneCounts.Empty,
            State = state,
            LastError = spec.Enabled && UrlRedaction.Redact(status?.LastError) is { Length: > 0 } error ? error : null,
            LastFailure = status?.LastFailure is { } failure ? failure with { Reason = UrlRedaction.Redact(failure.Reason) } : null,
            LastFrameAt = status?.LastFrameAt,
            InputFps = streaming ? status?.InputFps ?? 0 : 0,
            ProcessedFps = streaming ? status?.ProcessedFps ?? 0 : 0,
            FramesCaptured = status?.FramesCaptured ?? 0,
            FramesProcessed = status?.FramesProcessed ?? 0,
            FramesDropped = status?.FramesDropped ?? 0,
            Device = status?.Device,
            Silo = status?.Silo,
        };
    }
}
