namespace VideoAnalytics.Contracts.Detections;

/// <summary>
/// Append-only detection streams, one per camera (namespace <c>detections</c>, key = camera id), each
/// addressable by position so a subscriber can resume where it stopped. Positions are opaque strings that
/// compare in stream order through <see cref="ComparePositions"/>; in memory a sequence number, on Redis a
/// stream id. History is bounded; the oldest frames fall off. This is the record subscribers read and replay; new frames are
/// announced live on Orleans streams (<see cref="DetectionStreamNames"/>, <see cref="LiveDetection"/>).
/// </summary>
public interface IDetectionStreams
{
    /// <summary>
    /// Appends <paramref name="frame"/> to its camera's stream and returns its position and its predecessor's, or null
    /// when the frame was rejected because its <see cref="DetectionFrame.Epoch"/> is older than the stream's newest.
    /// </summary>
    Task<StreamAppend?> AppendAsync(DetectionFrame frame, CancellationToken cancellationToken = default);

    /// <summary>
    /// Refuses, from now on, frames of an epoch older than <paramref name="epoch"/> (a camera activation took it): a
    /// silo that still runs an older activation of the camera (it was frozen, or cut off) cannot publish over it.
    /// The fence never moves back.
    /// </summary>
    Task FenceAsync(string cameraId, long epoch, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> entries strictly after <paramref name="after"/> (null: from the oldest kept).</summary>
    Task<IReadOnlyList<StreamEntry>> ReadAsync(string cameraId, string? after, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// What retention deleted directly after <paramref name="after"/>: null when the next entry after it (if any) is
    /// still held, so reading on loses nothing. Subscribers ask when they resume or fell behind.
    /// </summary>
    Task<RetentionGap?> GapAfterAsync(string cameraId, string after, CancellationToken cancellationToken = default);

    /// <summary>Entries whose capture time lies in [since, until], oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<StreamEntry>> RangeAsync(string cameraId, DateTimeOffset since, DateTimeOffset until, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many frames the stream holds after <paramref name="after"/>: a reader's backlog (a sink's lag). Frames
    /// retention deleted are not counted (a reader skips them as a gap); 0 when <paramref name="after"/> is the newest.
    /// Null when the store cannot count them (Redis entries written before entries were numbered).
    /// </summary>
    Task<long?> CountAfterAsync(string cameraId, string after, CancellationToken cancellationToken = default);

    /// <summary>The newest entry, or null for an empty stream.</summary>
    Task<StreamEntry?> LatestAsync(string cameraId, CancellationToken cancellationToken = default);

    /// <summary>Camera ids that have a stream.</summary>
    Task<IReadOnlyList<string>> CamerasAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a camera's stream (the camera was removed).</summary>
    Task DeleteAsync(string cameraId, CancellationToken cancellationToken = default);

    /// <summary>Negative when <paramref name="a"/> is earlier than <paramref name="b"/>; null sorts first.</summary>
    int ComparePositions(string? a, string? b);
}
