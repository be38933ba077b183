using System.Text.Json.Serialization;
using VideoAnalytics.Contracts.Analytics;

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

    /// <summary>
    /// What the camera's zones and lines saw happen on this frame (<see cref="SceneEvent"/>), in the order the analyzer
    /// found them; null on the (vast majority of) frames where nothing happened, so those cost nothing more to store or
    /// send. Events ride in their frame rather than in a stream of their own: the frame's history append assigns their
    /// position and applies the epoch fence in the same step, so an event is kept exactly when its frame is, and replay
    /// after a position has the same no-gap, no-duplicate rule for both.
    /// </summary>
    [Id(9)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SceneEvent>? Events { get; init; }
}
