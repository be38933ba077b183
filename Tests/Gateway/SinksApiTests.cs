using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// Event sinks through the API against the shared gateway's camera (25 fps, every frame stored at consecutive
/// positions): validation, secrets never shown, and webhook delivery to the tests' own receiver — in order without a
/// gap, through a receiver outage, across a disable/enable, with lag in the status, and without slowing the camera.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class SinksApiTests(GatewayFixture gateway)
{
    private const string Camera = GatewayFixture.CameraId;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"id":"bad id","type":"webhook","webhook":{"url":"http://127.0.0.1:9/x"}}""", "id" },
        { """{"id":"s1","webhook":{"url":"http://127.0.0.1:9/x"}}""", "type" },
        { """{"id":"s1","type":"smtp"}""", "type" },
        { """{"id":"s1","type":"webhook","webhook":{"url":"ftp://127.0.0.1/x"}}""", "webhook.url" },
        { """{"id":"s1","type":"webhook"}""", "webhook.url" },
        { """{"id":"s1","type":"webhook","webhook":{"url":"http://169.254.169.254/latest"}}""", "webhook.url" },
        { """{"id":"s1","type":"webhook","webhook":{"url":"http://127.0.0.1:9/x","timeoutSeconds":0}}""", "webhook.timeoutSeconds" },
        { """{"id":"s1","type":"webhook","webhook":{"url":"http://127.0.0.1:9/x"},"mqtt":{"url":"mqtt://h"}}""", "mqtt" },
        { """{"id":"s1","type":"mqtt","mqtt":{"url":"http://broker"}}""", "mqtt.url" },
        { """{"id":"s1","type":"mqtt","mqtt":{"url":"mqtt://broker","qos":2}}""", "mqtt.qos" },
        { """{"id":"s1","type":"mqtt","mqtt":{"url":"mqtt://broker","topic":"a/#"}}""", "mqtt.topic" },
        { """{"id":"s1","type":"mqtt","mqtt":{"url":"mqtt://broker","topic":" "}}""", "mqtt.topic" },
        { """{"id":"s1","type":"webhook","webhook":{"url":"http://127.0.0.1:9/x"},"events":["detections","zone.wander"]}""", "events" },
        { """{"id":"s1","type":"webhook","webhook":{"url":"http://127.0.0.1:9/x"},"minScore":1.5}""", "minScore" },
        { """{"id":"s1","type":"webhook","webhook":{"url":"http://127.0.0.1:9/x"},"cameras":["ok","no spaces"]}""", "cameras" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_sinks_are_refused_with_the_field_named(string body, string field)
    {
        using var response = await gateway.Admin.PostAsync("/api/sinks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors name {field}: {problem}");
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Admin.GetAsync("/api/sinks/s1")).StatusCode);
    }

    [Fact]
    public async Task Unknown_ids_are_404_duplicates_409_and_viewers_cannot_write()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Viewer.GetAsync("/api/sinks/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Admin.DeleteAsync("/api/sinks/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Admin.PatchAsJsonAsync("/api/sinks/nope", new { enabled = false })).StatusCode);
        var sink = new { id = "dup", type = "webhook", enabled = false, webhook = new { url = "http://127.0.0.1:9/x" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.Viewer.PostAsJsonAsync("/api/sinks", sink)).StatusCode);
        try
        {
            Assert.Equal(HttpStatusCode.Created, (await gateway.Admin.PostAsJsonAsync("/api/sinks", sink)).StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await gateway.Admin.PostAsJsonAsync("/api/sinks", sink)).StatusCode);
        }
        finally
        {
            await DeleteAsync("dup");
        }
    }

    [Fact]
    public async Task Credentials_and_secrets_are_never_echoed_and_are_kept_when_sent_back_masked()
    {
        const string Password = "broker-pw-4711";
        const string Secret = "hook-secret-0815";
        try
        {
            using (var mqtt = await gateway.Admin.PostAsJsonAsync("/api/sinks", new { id = "secret-mqtt", type = "mqtt", mqtt = new { url = $"mqtt://user:{Password}@127.0.0.1:1" } }))
            {
                Assert.Equal(HttpStatusCode.Created, mqtt.StatusCode);
                Assert.DoesNotContain(Password, await mqtt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (var hook = await gateway.Admin.PostAsJsonAsync("/api/sinks", new { id = "secret-hook", type = "webhook", webhook = new { url = $"http://127.0.0.1:1/x?token={Secret}", secret = Secret } }))
            {
                Assert.Equal(HttpStatusCode.Created, hook.StatusCode);
                Assert.DoesNotContain(Secret, await hook.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // Let both run (and fail: no broker, no receiver) so errors and logs have had their chance to leak.
            await Eventually.UntilAsync(() => SinkAsync("secret-hook"), s => State(s) == "retrying", Timeout, "the webhook sink retries");
            await Eventually.UntilAsync(() => SinkAsync("secret-mqtt"), s => State(s) is "failed" or "retrying", Timeout, "the mqtt sink runs");

            var list = await gateway.Viewer.GetStringAsync("/api/sinks");
            var one = await gateway.Viewer.GetStringAsync("/api/sinks/secret-hook");
            foreach (var text in new[] { list, one, await gateway.Viewer.GetStringAsync("/api/sinks/secret-mqtt"), gateway.Service.Output })
            {
                Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
                Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
            }

            var webhook = JsonDocument.Parse(one).RootElement.GetProperty("webhook");
            Assert.Equal("***", webhook.GetProperty("secret").GetString());
            Assert.True(webhook.GetProperty("hasSecret").GetBoolean());

            // An edit that sends the settings back as shown keeps the secrets (the stored spec still has them).
            using var patched = await gateway.Admin.PatchAsJsonAsync("/api/sinks/secret-hook",
                new { minScore = 0.5, webhook = new { url = webhook.GetProperty("url").GetString(), secret = "***" } });
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            var after = JsonDocument.Parse(await patched.Content.ReadAsStringAsync()).RootElement;
            Assert.True(after.GetProperty("webhook").GetProperty("hasSecret").GetBoolean());
            Assert.Equal(webhook.GetProperty("url").GetString(), after.GetProperty("webhook").GetProperty("url").GetString());
            Assert.Equal(0.5, after.GetProperty("minScore").GetDouble());
        }
        finally
        {
            await DeleteAsync("secret-mqtt");
            await DeleteAsync("secret-hook");
        }
    }

    [Fact]
    public async Task A_webhook_gets_every_frame_in_order_from_where_it_started()
    {
        await using var receiver = new WebhookReceiver();
        var start = await gateway.LatestPositionAsync();
        try
        {
            await CreateAsync("in-order", receiver.Url, secret: "order-secret");
            await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= 40, Timeout, "40 frames delivered");

            var accepted = receiver.Accepted;
            var positions = accepted.Select(r => long.Parse(r.Position!, CultureInfo.InvariantCulture)).ToList();
            Assert.True(positions[0] >= start, $"a new sink starts at the camera's newest frame ({start}), not the oldest history: {positions[0]}");
            AssertConsecutive(positions);
            Assert.All(accepted, r =>
            {
                Assert.Equal($"{Camera}:{r.Position}", r.EventId);
                Assert.Equal(r.EventId, r.Json.GetProperty("eventId").GetString());
                Assert.Equal(Camera, r.Json.GetProperty("camera").GetString());
                Assert.True(r.SignedWith("order-secret"), "signed with the sink's secret");
            });

            var status = await SinkAsync("in-order");
            Assert.Equal("delivering", State(status));
            Assert.True(status.GetProperty("status").GetProperty("delivered").GetInt64() >= 40);

            await Eventually.UntilAsync(() => gateway.Viewer.GetStringAsync("/metrics"),
                m => m.Contains("va_sink_messages_delivered_total{", StringComparison.Ordinal) && m.Contains("sink=\"in-order\"", StringComparison.Ordinal)
                    && m.Contains("va_sink_lag_positions{", StringComparison.Ordinal),
                Timeout, "/metrics shows the sink's deliveries and lag");
        }
        finally
        {
            await DeleteAsync("in-order");
        }
    }

    [Fact]
    public async Task A_receiver_that_answers_500_for_a_while_gets_everything_once_it_recovers()
    {
        await using var receiver = new WebhookReceiver { Answer = 500 };
        try
        {
            await CreateAsync("outage", receiver.Url);
            var failing = await Eventually.UntilAsync(() => SinkAsync("outage"),
                s => State(s) == "retrying" && Lag(s) is > 0, Timeout, "the sink retries, and its lag grows");
            Assert.Contains("500", failing.GetProperty("status").GetProperty("lastError").GetString(), StringComparison.Ordinal);
            Assert.True(failing.GetProperty("status").GetProperty("failed").GetInt64() >= 1);
            var firstRefused = long.Parse(receiver.Received[0].Position!, CultureInfo.InvariantCulture);

            receiver.Answer = 200;
            await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= 30, Timeout, "30 frames delivered after the recovery");
            await Eventually.UntilAsync(() => SinkAsync("outage"), s => State(s) == "delivering", Timeout, "the sink delivers again");

            // Everything from the first refused frame on, in order: refused frames were sent again, none skipped.
            var positions = receiver.Accepted.Select(r => long.Parse(r.Position!, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(firstRefused, positions[0]);
            AssertConsecutive(positions);
        }
        finally
        {
            await DeleteAsync("outage");
        }
    }

    [Fact]
    public async Task A_disabled_sink_resumes_after_its_checkpoint_without_a_gap()
    {
        await using var receiver = new WebhookReceiver();
        try
        {
            await CreateAsync("resume", receiver.Url);
            await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= 10, Timeout, "10 frames delivered");

            Assert.Equal(HttpStatusCode.OK, (await gateway.Admin.PatchAsJsonAsync("/api/sinks/resume", new { enabled = false })).StatusCode);
            await Eventually.UntilAsync(() => SinkAsync("resume"), s => State(s) == "disabled", Timeout, "the sink stops");
            var stoppedAt = receiver.Accepted.Count;
            var last = long.Parse(receiver.Accepted[^1].Position!, CultureInfo.InvariantCulture);

            // The camera moves on while the sink is off (less than the history holds: 200 frames at 25 fps).
            await Eventually.UntilAsync(gateway.LatestPositionAsync, p => p >= last + 25, Timeout, "the camera moves on");
            Assert.Equal(stoppedAt, receiver.Accepted.Count);

            Assert.Equal(HttpStatusCode.OK, (await gateway.Admin.PatchAsJsonAsync("/api/sinks/resume", new { enabled = true })).StatusCode);
            await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= stoppedAt + 40, Timeout, "delivery resumes");

            var positions = receiver.Accepted.Select(r => long.Parse(r.Position!, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(last + 1, positions[stoppedAt]);
            AssertConsecutive(positions);
        }
        finally
        {
            await DeleteAsync("resume");
        }
    }

    [Fact]
    public async Task A_sink_deleted_and_created_again_under_its_id_starts_afresh_not_from_the_old_checkpoint()
    {
        await using var refusing = new WebhookReceiver { Answer = 500 };
        await using var receiver = new WebhookReceiver();
        try
        {
            // Refused from its first frame on, the sink's checkpoint stays where it started while the camera moves on.
            await CreateAsync("again", refusing.Url);
            await Eventually.UntilAsync(() => SinkAsync("again"), s => State(s) == "retrying", Timeout, "the sink retries");
            var stuckAt = long.Parse(refusing.Received[0].Position!, CultureInfo.InvariantCulture);
            await Eventually.UntilAsync(gateway.LatestPositionAsync, p => p >= stuckAt + 50, Timeout, "the camera moves on");

            // Straight away: the old grain's checkpoints must not carry over to the new sink (the delete clears them before
            // it answers; the keepers' pass woken by the registry change would too, unless it ran late).
            await DeleteAsync("again");
            var newest = await gateway.LatestPositionAsync();
            await CreateAsync("again", receiver.Url);
            await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= 5, Timeout, "the new sink delivers");
            var first = long.Parse(receiver.Accepted[0].Position!, CultureInfo.InvariantCulture);
            Assert.True(first > newest, $"the new sink began at {first}: after the old checkpoint {stuckAt}, but before the newest frame {newest} at its creation");
        }
        finally
        {
            await DeleteAsync("again");
        }
    }

    [Fact]
    public async Task A_sink_at_a_dead_port_does_not_slow_the_camera()
    {
        var before = await FramesPerSecondAsync();
        try
        {
            await CreateAsync("dead", $"http://127.0.0.1:{FreePort.Next()}/hook", cameras: []);
            await Eventually.UntilAsync(() => SinkAsync("dead"), s => State(s) == "retrying", Timeout, "the sink retries");
            var during = await FramesPerSecondAsync();

            // Generous: the machine is shared; a sink that blocked the camera would bring this to about 0.
            Assert.True(during >= before * 0.5, $"camera rate {during:0.#} frames/s with a dead sink, {before:0.#} without");
            var status = (await SinkAsync("dead")).GetProperty("status");
            Assert.False(string.IsNullOrEmpty(status.GetProperty("lastError").GetString()));
        }
        finally
        {
            await DeleteAsync("dead");
        }
    }

    private async Task<double> FramesPerSecondAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var first = await ProcessedAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        var last = await ProcessedAsync();
        return (last - first) / clock.Elapsed.TotalSeconds;
    }

    private async Task<long> ProcessedAsync() =>
        (await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{Camera}")).GetProperty("framesProcessed").GetInt64();

    private async Task CreateAsync(string id, string url, string? secret = null, string[]? cameras = null)
    {
        using var created = await gateway.Admin.PostAsJsonAsync("/api/sinks", new
        {
            id,
            type = "webhook",
            cameras = cameras ?? [Camera],
            events = new[] { "detections" },
            webhook = new { url, secret, timeoutSeconds = 5 },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"creating sink {id}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    }

    private async Task DeleteAsync(string id) => (await gateway.Admin.DeleteAsync($"/api/sinks/{id}")).Dispose();

    private Task<JsonElement> SinkAsync(string id) => gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/sinks/{id}");

    private static string? State(JsonElement sink) =>
        sink.GetProperty("status").ValueKind == JsonValueKind.Object ? sink.GetProperty("status").GetProperty("state").GetString() : null;

    private static long? Lag(JsonElement sink) =>
        sink.GetProperty("status").ValueKind == JsonValueKind.Object
        && sink.GetProperty("status").GetProperty("cameras").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } camera
        && camera.GetProperty("lagPositions").ValueKind == JsonValueKind.Number
            ? camera.GetProperty("lagPositions").GetInt64()
            : null;

    // Strictly increasing by one, except that a frame may repeat right after a failed batch (at least once): the
    // positions with repeats dropped must be consecutive, and a repeat must be of something already delivered.
    private static void AssertConsecutive(List<long> positions)
    {
        var seen = new HashSet<long>();
        var expected = positions[0];
        foreach (var position in positions)
        {
            if (!seen.Add(position))
            {
                continue;
            }

            Assert.True(position == expected, $"position {position} where {expected} was due: {string.Join(",", positions)}");
            expected++;
        }
    }
}
