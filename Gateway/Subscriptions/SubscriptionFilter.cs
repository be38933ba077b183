using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>What a subscriber wants to see: some classes, a minimum score, or only frames that found something.</summary>
public sealed record SubscriptionFilter(IReadOnlyList<string> Classes, double MinScore, bool OnlyWithDetections) : IFrameFilter
{
    public static SubscriptionFilter None { get; } = new([], 0, false);

    public bool IsNone => Classes.Count == 0 && MinScore <= 0 && !OnlyWithDetections;

    /// <summary>The frame as this subscriber sees it, or null when it should be skipped.</summary>
    public DetectionFrame? Apply(DetectionFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (IsNone)
        {
            return frame;
        }

        var kept = new List<DetectedObject>(frame.Detections.Count);
        foreach (var d in frame.Detections)
        {
            if (d.Score >= MinScore && ClassList.Keeps(Classes, d.Label))
            {
                kept.Add(d);
            }
        }

        if (OnlyWithDetections && kept.Count == 0)
        {
            return null;
        }

        return kept.Count == frame.Detections.Count ? frame : frame with { Detections = kept };
    }
}
