using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>
/// Which scene events a subscriber or a history query wants: some event types, some zone or line names (all when a list
/// is empty). Frames without a matching event are skipped, so an event subscriber reads history at frame speed but is
/// sent nothing until something happens.
/// </summary>
public sealed record SceneEventFilter(IReadOnlyList<string> Types, IReadOnlyList<string> Names) : IFrameFilter
{
    /// <summary>The event types there are, in the order the docs list them.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } = [SceneEvent.ZoneEnter, SceneEvent.ZoneExit, SceneEvent.LineCross];

    public DetectionFrame? Apply(DetectionFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Events is not { } events)
        {
            return null;
        }

        foreach (var e in events)
        {
            if (Matches(e))
            {
                // Whole: receivers number a frame's events by their index in it, which must not depend on the filter.
                return frame;
            }
        }

        return null;
    }

    public bool Matches(SceneEvent sceneEvent)
    {
        ArgumentNullException.ThrowIfNull(sceneEvent);
        // Names compare like the camera spec's uniqueness rule (case-insensitive), types exactly as documented.
        return (Types.Count == 0 || Types.Contains(sceneEvent.Type, StringComparer.Ordinal))
            && (Names.Count == 0 || Names.Contains(sceneEvent.Name, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The filter from <paramref name="typesKey"/> (comma-separated event types) and <c>zone</c> (comma-separated zone or
    /// line names), or the error naming the parameter.
    /// </summary>
    public static (SceneEventFilter? Filter, string? Error) Parse(IQueryCollection query, string typesKey)
    {
        ArgumentNullException.ThrowIfNull(query);
        var types = SubscriptionRequest.SplitList(query[typesKey].ToString());
        foreach (var type in types)
        {
            if (!KnownTypes.Contains(type, StringComparer.Ordinal))
            {
                return (null, $"{typesKey}: '{type}' is not an event type; use {string.Join(", ", KnownTypes)}");
            }
        }

        return (new SceneEventFilter(types, SubscriptionRequest.SplitList(query["zone"].ToString())), null);
    }
}
