using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Contracts.Sinks;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// The one place a sink's messages are made, each payload serialized once: from a stored frame, a <c>detections</c>
/// message (the frame with the detections the sink's filters keep), then each of its scene events as a message of its
/// own, a zone event followed by the zone's <c>zone.occupancy</c>; and <c>camera.state</c> messages from the camera's
/// status. Every payload carries <c>type</c>, <c>eventId</c>, <c>camera</c> and <c>position</c>, so a receiver can
/// de-duplicate (at least once) and order.
/// </summary>
/// <remarks>
/// Event ids: a frame <c>{camera}:{position}</c>, its n-th scene event <c>{camera}:{position}:{n}</c> (n from 0, in
/// the analyzer's order), the occupancy after it <c>{camera}:{position}:{n}:occupancy</c>, a camera state
/// <c>{camera}:state:{unix ms of the status}:{state}</c>. The same event has the same id on every redelivery.
/// </remarks>
public sealed class SinkMessageBuilder
{
    public static readonly JsonSerializerOptions Json = CreateJson();

    private readonly HashSet<string>? _events;
    private readonly IReadOnlyList<string> _classes;
    private readonly double _minScore;
    private readonly bool _onlyWithDetections;

    public SinkMessageBuilder(SinkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _events = spec.Events.Count == 0 ? null : new HashSet<string>(spec.Events, StringComparer.Ordinal);
        _classes = spec.Classes;
        _minScore = spec.MinScore;
        _onlyWithDetections = spec.OnlyWithDetections;
    }

    /// <summary>Whether the sink delivers <paramref name="type"/> (a <see cref="SinkEventTypes"/> value).</summary>
    public bool Wants(string type) => _events is null || _events.Contains(type);

    /// <summary>
    /// Appends the messages of one stored frame to <paramref name="into"/>. <paramref name="occupancy"/> gives a zone's
    /// objects by class as the camera's analyzer last reported them (best effort: the camera's status, not the frame's).
    /// </summary>
    public void AddFrame(string camera, string position, DetectionFrame frame, Func<string, IReadOnlyDictionary<string, int>?> occupancy, List<SinkMessage> into)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(into);
        var frameId = camera + ":" + position;
        if (Wants(SinkEventTypes.Detections))
        {
            var kept = new List<DetectedObject>(frame.Detections.Count);
            foreach (var d in frame.Detections)
            {
                if (d.Score >= _minScore && ClassList.Keeps(_classes, d.Label))
                {
                    kept.Add(d);
                }
            }

            if (kept.Count > 0 || !_onlyWithDetections)
            {
                var payload = new FramePayload(SinkEventTypes.Detections, frameId, camera, position, frame.FrameIndex, frame.Timestamp,
                    frame.Width, frame.Height, frame.Model, frame.Epoch, kept);
                into.Add(new SinkMessage(camera, SinkEventTypes.Detections, frameId, position, null, JsonSerializer.SerializeToUtf8Bytes(payload, Json)));
            }
        }

        if (frame.Events is not { Count: > 0 } events)
        {
            return;
        }

        for (var n = 0; n < events.Count; n++)
        {
            var e = events[n];
            if (!Wants(e.Type) || !ClassList.Keeps(_classes, e.Label))
            {
                continue;
            }

            var eventId = frameId + ":" + n.ToString(CultureInfo.InvariantCulture);
            var payload = new EventPayload(e.Type, eventId, camera, position, e.Name, e.TrackId, e.Label, e.At, e.FrameIndex, e.Epoch, e.Direction, e.DwellSeconds);
            into.Add(new SinkMessage(camera, e.Type, eventId, position, e.Name, JsonSerializer.SerializeToUtf8Bytes(payload, Json)));
            if (e.Type is SceneEvent.ZoneEnter or SceneEvent.ZoneExit)
            {
                var counts = occupancy(e.Name) ?? new Dictionary<string, int>();
                var total = 0;
                foreach (var count in counts.Values)
                {
                    total += count;
                }

                var occupancyId = eventId + ":occupancy";
                var occupied = new OccupancyPayload(SinkMessage.Occupancy, occupancyId, camera, position, e.Name, total, counts, e.At);
                into.Add(new SinkMessage(camera, SinkMessage.Occupancy, occupancyId, position, e.Name, JsonSerializer.SerializeToUtf8Bytes(occupied, Json), Retain: true));
            }
        }
    }

    /// <summary>A <c>camera.state</c> message for <paramref name="status"/> (its error redacted).</summary>
    public static SinkMessage CameraState(CameraStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var state = JsonNamingPolicy.CamelCase.ConvertName(status.State.ToString());
        var eventId = string.Create(CultureInfo.InvariantCulture, $"{status.Id}:state:{status.UpdatedAt.ToUnixTimeMilliseconds()}:{state}");
        var payload = new StatePayload(SinkEventTypes.CameraState, eventId, status.Id, null, state,
            status.LastError is null ? null : UrlRedaction.Redact(status.LastError), status.Silo, status.UpdatedAt);
        return new SinkMessage(status.Id, SinkEventTypes.CameraState, eventId, null, null, JsonSerializer.SerializeToUtf8Bytes(payload, Json), Retain: true);
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed record FramePayload(
        string Type, string EventId, string Camera, string Position, long FrameIndex, DateTimeOffset Timestamp, int Width, int Height,
        string Model, long Epoch, IReadOnlyList<DetectedObject> Detections);

    private sealed record EventPayload(
        string Type, string EventId, string Camera, string Position, string Name, int TrackId, string Label, DateTimeOffset At,
        long FrameIndex, long Epoch,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Direction,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DwellSeconds);

    private sealed record OccupancyPayload(
        string Type, string EventId, string Camera, string Position, string Zone, int Total, IReadOnlyDictionary<string, int> Classes, DateTimeOffset At);

    private sealed record StatePayload(
        string Type, string EventId, string Camera, string? Position, string State, string? LastError, string? Silo, DateTimeOffset At);
}
