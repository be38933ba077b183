using System.Text.Json;
using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Sinks;

namespace VideoAnalytics.Tests.Silo.Sinks;

/// <summary>What a sink sends for a frame: filters, one message per scene event, occupancy after zone events, event ids.</summary>
public sealed class SinkMessageBuilderTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    private static readonly DetectionFrame Frame = new()
    {
        CameraId = "door",
        FrameIndex = 7,
        Timestamp = At,
        Width = 320,
        Height = 240,
        Model = "m",
        Detections = [new(1, "person", 0.9f, new(1, 2, 3, 4), 12), new(2, "car", 0.3f, new(5, 6, 7, 8))],
        Events =
        [
            new SceneEvent { Type = SceneEvent.ZoneEnter, CameraId = "door", Name = "lobby", TrackId = 12, Label = "person", At = At, FrameIndex = 7 },
            new SceneEvent { Type = SceneEvent.LineCross, CameraId = "door", Name = "gate", TrackId = 3, Label = "car", At = At, FrameIndex = 7, Direction = "in" },
        ],
    };

    [Fact]
    public void A_frame_becomes_its_detections_then_each_event_with_occupancy_after_a_zone_event()
    {
        var messages = Build(new SinkSpec { Id = "s", Type = SinkSpec.WebhookType });
        Assert.Equal(["detections", "zone.enter", "zone.occupancy", "line.cross"], messages.Select(m => m.Type));
        Assert.Equal(["door:41", "door:41:0", "door:41:0:occupancy", "door:41:1"], messages.Select(m => m.EventId));
        Assert.All(messages, m => Assert.Equal("41", m.Position));
        Assert.True(messages[2].Retain, "occupancy is retained on MQTT");

        var frame = Json(messages[0]);
        Assert.Equal("door", frame.GetProperty("camera").GetString());
        Assert.Equal("41", frame.GetProperty("position").GetString());
        Assert.Equal(12, frame.GetProperty("detections")[0].GetProperty("trackId").GetInt32());
        var occupancy = Json(messages[2]);
        Assert.Equal("lobby", occupancy.GetProperty("zone").GetString());
        Assert.Equal(2, occupancy.GetProperty("classes").GetProperty("person").GetInt32());
        Assert.Equal(2, occupancy.GetProperty("total").GetInt32());
        Assert.Equal("in", Json(messages[3]).GetProperty("direction").GetString());
    }

    [Fact]
    public void Filters_keep_the_chosen_types_classes_and_scores()
    {
        var messages = Build(new SinkSpec { Id = "s", Type = SinkSpec.WebhookType, Events = [SinkEventTypes.Detections, SinkEventTypes.LineCross], Classes = ["car"], MinScore = 0.2 });
        Assert.Equal(["detections", "line.cross"], messages.Select(m => m.Type));
        Assert.Equal(["car"], Json(messages[0]).GetProperty("detections").EnumerateArray().Select(d => d.GetProperty("label").GetString()));

        var scored = Build(new SinkSpec { Id = "s", Type = SinkSpec.WebhookType, Events = [SinkEventTypes.Detections], MinScore = 0.95, OnlyWithDetections = true });
        Assert.Empty(scored);
    }

    [Fact]
    public void A_camera_state_message_is_retained_and_redacts_its_error()
    {
        var message = SinkMessageBuilder.CameraState(new CameraStatus { Id = "door", State = CameraState.Reconnecting, LastError = "cannot open rtsp://u:pw@cam/x", UpdatedAt = At });
        Assert.Equal("camera.state", message.Type);
        Assert.True(message.Retain);
        Assert.Null(message.Position);
        var json = Json(message);
        Assert.Equal("reconnecting", json.GetProperty("state").GetString());
        Assert.DoesNotContain("pw", json.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    private static List<SinkMessage> Build(SinkSpec spec)
    {
        var messages = new List<SinkMessage>();
        new SinkMessageBuilder(spec).AddFrame("door", "41", Frame, zone => zone == "lobby" ? new Dictionary<string, int> { ["person"] = 2 } : null, messages);
        return messages;
    }

    private static JsonElement Json(SinkMessage message) => JsonDocument.Parse(message.Payload).RootElement;
}
