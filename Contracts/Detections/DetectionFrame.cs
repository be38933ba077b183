namespace VideoAnalytics.Contracts.Detections;

/// <summary>
/// One analysed frame, published on its camera's detection stream even when nothing was found.
/// <see cref="Timestamp"/> is the capture time (UTC); <see cref="FrameIndex"/> counts frames read from the
/// source since the camera started (for files, the frame number within the file).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DetectionFrame
{
    /// <summary>The camera; null for a one-off image sent to the detect API.</summary>
    [Id(0)]
    public string? CameraId { get; init; }

    [Id(1)]
    public long FrameIndex { get; init; }

    [Id(2)]
    public DateTimeOffset Timestamp { get; init; }

    [Id(3)]
    public int Width { get; init; }

    [Id(4)]
    public int Height { get; init; }

    [Id(5)]
    public required string Model { get; init; }

    [Id(6)]
    public IReadOnlyList<DetectedObject> Detections { get; init; } = [];

    [Id(7)]
    public FrameLatency LatencyMs { get; init; } = new(0, 0, 0);

    /// <summary>
    /// Fencing epoch of the camera grain activation that produced the frame (each activation takes the next one
    /// from the camera's persisted state); a stream rejects frames from an epoch older than its fence.
    /// </summary>
    [Id(8)]
    public long Epoch { get; init; }
}
