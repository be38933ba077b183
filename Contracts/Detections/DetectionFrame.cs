namespace VideoAnalytics.Contracts.Detections;

/// <summary>
/// One analysed frame, published on its camera's detection stream even when nothing was found.
/// <see cref="Timestamp"/> is the capture time (UTC); <see cref="FrameIndex"/> counts frames read from the
/// source since the camera started (for files, the frame number within the file).
/// </summary>
public sealed record DetectionFrame
{
    /// <summary>The camera; null for a one-off image sent to the detect API.</summary>
    public string? CameraId { get; init; }

    public long FrameIndex { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    public int Width { get; init; }

    public int Height { get; init; }

    public required string Model { get; init; }

    public IReadOnlyList<DetectedObject> Detections { get; init; } = [];

    public FrameLatency LatencyMs { get; init; } = new(0, 0, 0);

    /// <summary>
    /// Fencing epoch of the camera lease under which the frame was produced (cluster mode); a stream
    /// rejects frames from an epoch older than the newest it has seen. 0 in single-process mode.
    /// </summary>
    public long Epoch { get; init; }
}
