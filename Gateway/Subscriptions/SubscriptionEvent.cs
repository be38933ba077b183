using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>What a subscriber receives: a frame, or a gap notice when its buffer overflowed.</summary>
public abstract record SubscriptionEvent(string CameraId);

/// <summary>A frame at <paramref name="Position"/> of its camera's stream.</summary>
public sealed record FrameEvent(string CameraId, string Position, DetectionFrame Frame) : SubscriptionEvent(CameraId);

/// <summary>
/// The subscriber fell behind and lost <paramref name="Missed"/> frames of <paramref name="CameraId"/>, the first
/// at <paramref name="FirstMissed"/>; replaying after <paramref name="ResumeAfter"/> (Last-Event-ID or ?from=) gets them back.
/// </summary>
public sealed record GapEvent(string CameraId, long Missed, string FirstMissed, string? ResumeAfter) : SubscriptionEvent(CameraId);
