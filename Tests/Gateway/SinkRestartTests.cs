using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// A sink's checkpoint lives in grain storage (SQLite beside the history in the all-in-one service): a service killed
/// and started again resumes the sink after its last saved checkpoint, repeating at most the last second's frames
/// (each with the id it had) and skipping none.
/// </summary>
public sealed class SinkRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("va-sink-restart-").FullName;
    private string _clip = string.Empty;

    public Task InitializeAsync()
    {
        _clip = GatewayFixture.Prepare(_root);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_killed_service_resumes_its_webhook_after_the_checkpoint_without_a_gap()
    {
        await using var receiver = new WebhookReceiver();
        var settings = GatewayFixture.Settings(_root);
        int before;
        await using (var first = await ServiceProcess.StartAsync("Gateway", settings, _root))
        {
            using var admin = Admin(first);
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/cameras", new { id = "cam", url = _clip, fps = 25, minScore = 0.0 })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/sinks",
                new { id = "hook", type = "webhook", events = new[] { "detections" }, webhook = new { url = receiver.Url } })).StatusCode);
            await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= 30, Timeout, $"30 frames delivered ({first.Output})");

            // Past the checkpoint interval, so that what was delivered is (mostly) saved; the kill then loses at most a second.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            before = receiver.Accepted.Count;
        }

        var lastBefore = Position(receiver.Accepted[before - 1]);
        await using (var second = await ServiceProcess.StartAsync("Gateway", settings, _root))
        {
            await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= before + 30, Timeout, $"delivery resumes ({second.Output})");
        }

        var positions = receiver.Accepted.Select(Position).ToList();
        Assert.True(positions[before] <= lastBefore + 1, $"resumed at {positions[before]}, after the checkpoint (last delivered before the kill: {lastBefore})");
        var seen = new HashSet<long>();
        var expected = positions[0];
        foreach (var position in positions)
        {
            if (seen.Add(position))
            {
                Assert.True(position == expected, $"position {position} where {expected} was due: {string.Join(",", positions)}");
                expected++;
            }
        }

        // Repeats carry the id they had the first time.
        Assert.All(receiver.Accepted, r => Assert.Equal($"cam:{r.Position}", r.EventId));
    }

    private static long Position(ReceivedWebhook r) => long.Parse(r.Position!, CultureInfo.InvariantCulture);

    private static HttpClient Admin(ServiceProcess service)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", GatewayFixture.AdminKey);
        return client;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // temp clean-up only
        }

        return Task.CompletedTask;
    }
}
