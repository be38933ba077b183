using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>
/// What one subscriber keeps of each stored frame: detections by class and score (<see cref="SubscriptionFilter"/>), or
/// the scene events a frame carries (<see cref="SceneEventFilter"/>). One subscription machinery serves both, since
/// events are stored and published inside their frames.
/// </summary>
public interface IFrameFilter
{
    /// <summary>The frame as this subscriber sees it, or null when it should be skipped.</summary>
    DetectionFrame? Apply(DetectionFrame frame);
}
