using System.Net;
using System.Net.Http.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>Scene events of a real camera (the demo video with a zone and a line) reach a webhook, one message each.</summary>
public sealed class SceneEventSinkTests(SceneEventsFixture scene) : IClassFixture<SceneEventsFixture>
{
    [Fact]
    public async Task Zone_and_line_events_arrive_one_per_message_with_occupancy_after_zone_events()
    {
        await using var receiver = new WebhookReceiver();
        using var admin = new HttpClient { BaseAddress = scene.Service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Add("X-Api-Key", GatewayFixture.AdminKey);
        using var created = await admin.PostAsJsonAsync("/api/sinks", new
        {
            id = "scene",
            type = "webhook",
            cameras = new[] { SceneEventsFixture.CameraId },
            events = new[] { "zone.enter", "zone.exit", "line.cross" },
            webhook = new { url = receiver.Url },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Eventually.UntilAsync(
            () => Task.FromResult(receiver.Accepted),
            r => r.Any(m => m.Type == "line.cross") && r.Any(m => m.Type == "zone.occupancy"),
            TimeSpan.FromSeconds(120),
            "a line crossing and a zone's occupancy delivered");

        var accepted = receiver.Accepted;
        Assert.DoesNotContain(accepted, m => m.Type == "detections");
        foreach (var (message, i) in accepted.Select((m, i) => (m, i)))
        {
            var json = message.Json;
            Assert.Equal(message.EventId, json.GetProperty("eventId").GetString());
            Assert.Equal(SceneEventsFixture.CameraId, json.GetProperty("camera").GetString());
            if (message.Type is "zone.enter" or "zone.exit" or "line.cross")
            {
                // {camera}:{position}:{n}: the n-th event of the frame at that position.
                Assert.StartsWith($"{SceneEventsFixture.CameraId}:{message.Position}:", message.EventId, StringComparison.Ordinal);
                Assert.True(json.GetProperty("trackId").GetInt32() > 0);
            }

            if (message.Type == "zone.occupancy")
            {
                Assert.StartsWith("zone.", accepted[i - 1].Type, StringComparison.Ordinal);
                Assert.Equal(accepted[i - 1].EventId + ":occupancy", message.EventId);
                Assert.Equal("all", json.GetProperty("zone").GetString());
            }
        }

        (await admin.DeleteAsync("/api/sinks/scene")).Dispose();
    }
}
