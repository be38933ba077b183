using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>What a subscriber receives: a frame, or a gap notice when retention deleted frames before it read them.</summary>
public abstract record SubscriptionEvent(string CameraId);

/// <summary>A frame at <paramref name="Position"/> of its camera's stream.</summary>
public sealed record FrameEvent(string CameraId, string Position, DetectionFrame Frame) : SubscriptionEvent(CameraId);

/// <summary>
/// Frames of <paramref name="CameraId"/> the subscriber asked for (it resumed from, or fell behind to, a position older
/// than retention keeps) that no longer exist: <paramref name="Missed"/> of them (null when the store cannot count),
/// the first at <paramref name="FirstMissed"/> (when known). The retained history starts at
/// <paramref name="HistoryStartsAt"/>, and the frames from there follow this notice.
/// </summary>
public sealed record GapEvent(string CameraId, long? Missed, string? FirstMissed, string? HistoryStartsAt) : SubscriptionEvent(CameraId);

/// <summary>
/// <paramref name="CameraId"/> was deleted: nothing more will come from it. <paramref name="Last"/> is true when it was
/// the subscription's last camera, and the subscriber's stream ends after this event.
/// </summary>
public sealed record CameraDeletedEvent(string CameraId, bool Last) : SubscriptionEvent(CameraId);
