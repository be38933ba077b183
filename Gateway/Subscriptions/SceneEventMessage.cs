using VideoAnalytics.Contracts.Analytics;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>
/// A scene event as subscribers and history queries see it: the <see cref="SceneEvent"/>'s fields, plus the
/// <see cref="Position"/> of the frame it was stored with and its <see cref="Index"/> among that frame's events.
/// (camera, position, index) names one event for good: a receiver that is sent an event twice (it reconnected in the
/// middle of one frame's events) drops the repeat by it.
/// </summary>
public sealed record SceneEventMessage(
    string Position, int Index, string Type, string CameraId, string Name, int TrackId, string Label, DateTimeOffset At, long Epoch, long FrameIndex,
    string? Direction, double? DwellSeconds)
{
    public static SceneEventMessage Of(string position, int index, SceneEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(position, index, e.Type, e.CameraId, e.Name, e.TrackId, e.Label, e.At, e.Epoch, e.FrameIndex, e.Direction, e.DwellSeconds);
    }

    /// <summary>The events of the frame at <paramref name="position"/> that <paramref name="filter"/> keeps, in order.</summary>
    public static IEnumerable<SceneEventMessage> OfFrame(string position, IReadOnlyList<SceneEvent>? events, SceneEventFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        for (var i = 0; i < (events?.Count ?? 0); i++)
        {
            if (filter.Matches(events![i]))
            {
                yield return Of(position, i, events[i]);
            }
        }
    }
}
