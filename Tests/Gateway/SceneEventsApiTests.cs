using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// Scene events through the gateway, from a real camera (the shipped model on the demo video with a line down the
/// middle): live over SSE and WebSocket, replayed after a position without gap or duplicate, filtered by type and name,
/// and queried from history.
/// </summary>
public sealed class SceneEventsApiTests(SceneEventsFixture scene) : IClassFixture<SceneEventsFixture>
{
    private const string Camera = SceneEventsFixture.CameraId;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Line_crossings_of_a_real_camera_reach_an_sse_subscriber_live()
    {
        var before = await NewestPositionAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        using var response = await OpenAsync($"/api/cameras/{Camera}/events?types=line.cross", null, cancel.Token);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var live = new List<(SseEvent Sse, JsonElement Event)>();
        // Subscribed with no cursor: only what happens from now on, each a line.cross of the camera's line.
        while (live.Count < 2)
        {
            var next = await sse.NextAsync(cancel.Token) ?? throw new InvalidOperationException("the stream ended");
            live.Add((next, JsonDocument.Parse(next.Data).RootElement.Clone()));
        }

        foreach (var (sse1, e) in live)
        {
            Assert.Equal("message", sse1.Type);
            Assert.Equal("line.cross", e.GetProperty("type").GetString());
            Assert.Equal("middle", e.GetProperty("name").GetString());
            Assert.Equal(Camera, e.GetProperty("cameraId").GetString());
            Assert.Contains(e.GetProperty("direction").GetString(), new[] { "in", "out" });
            Assert.True(e.GetProperty("trackId").GetInt32() > 0);
            Assert.True(Position(e) > before, "a live subscriber is sent what happens after it subscribed, not history");
        }

        // The SSE id is the frame's position, on a frame's last event (events of one frame share the position).
        Assert.All(live.Where(l => l.Sse.Id is not null), l => Assert.Equal(Position(l.Event).ToString(CultureInfo.InvariantCulture), l.Sse.Id));
        AssertIdsOnLastEventOfFrame(live);
    }

    [Fact]
    public async Task Resuming_from_a_position_mid_way_replays_every_later_event_once_in_order()
    {
        var stored = await HistoryAsync("");
        Assert.True(stored.Count >= SceneEventsFixture.MinimumCrossings, $"{stored.Count} events stored");
        var cursor = Position(stored[stored.Count / 2]);
        var expected = stored.Where(e => Position(e) > cursor).Select(Key).ToList();
        Assert.NotEmpty(expected);

        // One camera with Last-Event-ID, and several cameras with a composite cursor: the same events, in the same order.
        foreach (var (path, lastEventId) in new[] { ($"/api/cameras/{Camera}/events", cursor.ToString(CultureInfo.InvariantCulture)), ($"/api/events?cameras={Camera}", $"{Camera}={cursor}") })
        {
            using var cancel = new CancellationTokenSource(Timeout);
            using var response = await OpenAsync(path, lastEventId, cancel.Token);
            using var sse = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));
            var received = new List<(SseEvent Sse, JsonElement Event)>();
            while (received.Count < expected.Count)
            {
                var next = await sse.NextAsync(cancel.Token) ?? throw new InvalidOperationException("the stream ended");
                received.Add((next, JsonDocument.Parse(next.Data).RootElement.Clone()));
            }

            Assert.Equal(expected, received.Select(r => Key(r.Event)));
            AssertIdsOnLastEventOfFrame(received);
            if (path.StartsWith("/api/events", StringComparison.Ordinal))
            {
                Assert.All(received.Where(r => r.Sse.Id is not null), r => Assert.Equal($"{Camera}={Position(r.Event)}", r.Sse.Id));
            }
        }
    }

    [Fact]
    public async Task Filters_keep_only_the_named_types_and_zones_or_lines()
    {
        // The camera keeps producing events: each query is compared up to the newest position the first one saw.
        var all = await HistoryAsync("");
        var newest = Position(all[^1]);
        async Task<List<JsonElement>> UpToNewestAsync(string query) => [.. (await HistoryAsync(query)).Where(e => Position(e) <= newest)];
        Assert.Contains(all, e => e.GetProperty("type").GetString() == "zone.enter");
        Assert.Contains(all, e => e.GetProperty("type").GetString() == "line.cross");

        var crossings = await UpToNewestAsync("&type=line.cross");
        Assert.Equal(all.Where(e => e.GetProperty("type").GetString() == "line.cross").Select(Key), crossings.Select(Key));
        var zoneEvents = await UpToNewestAsync("&zone=ALL"); // names compare case-insensitively, like the spec's uniqueness rule
        Assert.NotEmpty(zoneEvents);
        Assert.All(zoneEvents, e => Assert.Equal("all", e.GetProperty("name").GetString()));
        var both = await UpToNewestAsync("&type=zone.enter,line.cross&zone=middle");
        Assert.Equal(crossings.Select(Key), both.Select(Key));

        // Replayed from the oldest kept position with a name filter: only the zone's events come.
        using var cancel = new CancellationTokenSource(Timeout);
        using var response = await OpenAsync($"/api/cameras/{Camera}/events?zone=all&types=zone.enter,zone.exit", "0", cancel.Token);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        for (var i = 0; i < 3; i++)
        {
            var e = JsonDocument.Parse((await sse.NextAsync(cancel.Token))!.Data).RootElement;
            Assert.Equal("all", e.GetProperty("name").GetString());
            Assert.StartsWith("zone.", e.GetProperty("type").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_history_query_returns_events_in_order_with_a_limit_and_bad_values_are_400s_naming_them()
    {
        var all = await HistoryAsync("");
        var positions = all.Select(Position).ToList();
        Assert.Equal(positions.Order(), positions);
        var first = Assert.Single(await HistoryAsync("limit=1"));
        Assert.Equal(Key(all[0]), Key(first));
        var exit = all.FirstOrDefault(e => e.GetProperty("type").GetString() == "zone.exit");
        if (exit.ValueKind == JsonValueKind.Object)
        {
            Assert.True(exit.GetProperty("dwellSeconds").GetDouble() >= 0);
        }

        // An event's position is its frame's: the stored frame there carries it, at its index.
        var frames = await scene.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{Camera}/history?limit=10000&from=2000-01-01T00:00:00Z");
        var frame = frames.EnumerateArray().Single(f => f.GetProperty("position").GetString() == all[0].GetProperty("position").GetString()).GetProperty("frame");
        var carried = frame.GetProperty("events")[all[0].GetProperty("index").GetInt32()];
        Assert.Equal(all[0].GetProperty("type").GetString(), carried.GetProperty("type").GetString());
        Assert.Equal(all[0].GetProperty("trackId").GetInt32(), carried.GetProperty("trackId").GetInt32());
        if (all[0].GetProperty("type").GetString() != "zone.exit")
        {
            // (an exit of an object no longer seen names the frame it was last seen on)
            Assert.Equal(frame.GetProperty("frameIndex").GetInt64(), all[0].GetProperty("frameIndex").GetInt64());
        }
        Assert.False(frames.EnumerateArray().All(f => f.GetProperty("frame").TryGetProperty("events", out _)), "a frame where nothing happened carries no events member");

        // A time range before anything was stored is empty.
        Assert.Empty(await HistoryAsync("&from=2000-01-01T00:00:00Z&to=2000-01-01T01:00:00Z"));

        foreach (var (query, name) in new[] { ("type=zone.leave", "type"), ("from=yesterday", "from"), ("to=1.5", "to"), ("limit=0", "limit"), ("limit=10001", "limit") })
        {
            using var bad = await scene.Viewer.GetAsync($"/api/cameras/{Camera}/events/history?{query}");
            var problem = await Problem.AssertAsync(bad, HttpStatusCode.BadRequest);
            Assert.StartsWith(name, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var badTypes = await scene.Viewer.GetAsync($"/api/cameras/{Camera}/events?types=zone.enter,crossing");
        Assert.StartsWith("types: 'crossing'", (await Problem.AssertAsync(badTypes, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var badCursor = await scene.Viewer.GetAsync($"/api/cameras/{Camera}/events?from=abc");
        await Problem.AssertAsync(badCursor, HttpStatusCode.BadRequest);
        using var unknown = await scene.Viewer.GetAsync("/api/cameras/nope/events/history");
        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound);
        using var unknownLive = await scene.Viewer.GetAsync("/api/events?cameras=nope");
        await Problem.AssertAsync(unknownLive, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stats_by_line_and_by_zone_count_the_stored_events_of_the_range()
    {
        // A closed range (ending a little in the past, so no frame of it is still being stored): stats and the event
        // history read the same frames.
        var now = DateTimeOffset.UtcNow;
        var range = $"from={Iso(now.AddHours(-1))}&to={Iso(now.AddSeconds(-5))}";
        var events = await HistoryAsync("&" + range);
        var crossings = events.Where(e => e.GetProperty("type").GetString() == "line.cross").ToList();
        Assert.NotEmpty(crossings);

        var lines = await scene.Viewer.GetFromJsonAsync<JsonElement>($"/api/stats?cameras={Camera}&{range}&groupBy=line&bucket=5m");
        Assert.Equal("line", lines.GetProperty("groupBy").GetString());
        var middle = lines.GetProperty("totals").GetProperty($"{Camera}/middle");
        Assert.Equal(crossings.Count(e => e.GetProperty("direction").GetString() == "in"), middle.GetProperty("in").GetInt64());
        Assert.Equal(crossings.Count(e => e.GetProperty("direction").GetString() == "out"), middle.GetProperty("out").GetInt64());
        Assert.Equal(crossings.Count, lines.GetProperty("buckets").EnumerateArray()
            .Sum(b => b.GetProperty("counts").TryGetProperty($"{Camera}/middle", out var c) ? c.GetProperty("in").GetInt64() + c.GetProperty("out").GetInt64() : 0));
        foreach (var label in crossings.Select(e => e.GetProperty("label").GetString()!).Distinct())
        {
            var ofClass = middle.GetProperty("classes").GetProperty(label);
            Assert.Equal(crossings.Count(e => e.GetProperty("label").GetString() == label), ofClass.GetProperty("in").GetInt64() + ofClass.GetProperty("out").GetInt64());
        }

        var zones = await scene.Viewer.GetFromJsonAsync<JsonElement>($"/api/stats?cameras={Camera}&{range}&groupBy=zone&bucket=5m");
        var all = zones.GetProperty("totals").GetProperty($"{Camera}/all");
        var exits = events.Where(e => e.GetProperty("type").GetString() == "zone.exit").ToList();
        Assert.Equal(events.Count(e => e.GetProperty("type").GetString() == "zone.enter"), all.GetProperty("enter").GetInt64());
        Assert.Equal(exits.Count, all.GetProperty("exit").GetInt64());
        if (exits.Count > 0)
        {
            Assert.Equal(exits.Average(e => e.GetProperty("dwellSeconds").GetDouble()), all.GetProperty("meanDwellSeconds").GetDouble(), 3);
        }

        Assert.False(zones.GetProperty("totals").TryGetProperty($"{Camera}/middle", out _), "a line is no zone");
    }

    [Fact]
    public async Task A_cameras_tracking_settings_reach_its_tracker_and_an_edit_applies_while_it_runs()
    {
        // A second camera on the demo video whose newTrackScore no detection reaches: objects are detected, none tracked.
        const string id = "untracked";
        using var admin = new HttpClient { BaseAddress = scene.Service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Add("X-Api-Key", GatewayFixture.AdminKey);
        using (var created = await admin.PostAsJsonAsync("/api/cameras",
            new { id, url = Models.ShippedModel.RepoFile("models/demo.mp4"), fps = 5, tracking = new { newTrackScore = 1.0 } }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        try
        {
            var untracked = await Support.Eventually.UntilAsync(
                () => FramesAsync(id, "0"), frames => frames.Count >= 6, Timeout, $"frames of {id}");
            Assert.NotEmpty(untracked.SelectMany(Detections));
            Assert.All(untracked.SelectMany(Detections), d => Assert.Equal(JsonValueKind.Null, d.GetProperty("trackId").ValueKind));

            // Back to the silo's settings on the running camera (no restart: the same epoch): its objects get track ids.
            var epoch = untracked[^1].GetProperty("frame").GetProperty("epoch").GetInt64();
            var edited = untracked[^1].GetProperty("position").GetString()!;
            using (var patched = await admin.PatchAsJsonAsync($"/api/cameras/{id}", new { tracking = new { } }))
            {
                Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync());
            }

            var tracked = await Support.Eventually.UntilAsync(
                () => FramesAsync(id, edited), frames => frames.SelectMany(Detections).Any(d => d.GetProperty("trackId").ValueKind == JsonValueKind.Number),
                Timeout, $"tracked objects on {id} after its edit");
            Assert.All(tracked, f => Assert.Equal(epoch, f.GetProperty("frame").GetProperty("epoch").GetInt64()));
        }
        finally
        {
            using var deleted = await admin.DeleteAsync($"/api/cameras/{id}");
        }
    }

    [Fact]
    public async Task The_websocket_sends_each_event_the_type_filter_keeps()
    {
        var stored = await HistoryAsync("&type=line.cross");
        using var cancel = new CancellationTokenSource(Timeout);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {GatewayFixture.ViewerKey}");
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{scene.Service.Port}/ws/events?cameras={Camera}&types=line.cross&from={Uri.EscapeDataString($"{Camera}=0")}"), cancel.Token);
        var received = new List<JsonElement>();
        while (received.Count < stored.Count)
        {
            received.Add(await SubscriptionTests.ReceiveJsonAsync(socket, cancel.Token));
        }

        Assert.Equal(stored.Select(Key), received.Select(Key));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    private static IEnumerable<JsonElement> Detections(JsonElement entry) => entry.GetProperty("frame").GetProperty("detections").EnumerateArray();

    // The camera's stored frames after a position (an SSE cursor; the history query is by time).
    private async Task<List<JsonElement>> FramesAsync(string camera, string after)
    {
        var frames = await scene.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{camera}/history?limit=10000");
        var cursor = long.Parse(after, CultureInfo.InvariantCulture);
        return [.. frames.EnumerateArray().Where(f => long.Parse(f.GetProperty("position").GetString()!, CultureInfo.InvariantCulture) > cursor).Select(f => f.Clone())];
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));

    private static (long Position, int Index) Key(JsonElement e) => (Position(e), e.GetProperty("index").GetInt32());

    private static long Position(JsonElement e) => long.Parse(e.GetProperty("position").GetString()!, CultureInfo.InvariantCulture);

    /// <summary>Only a frame's last event carries the SSE id, so a reconnect in the middle of a frame's events loses none.</summary>
    private static void AssertIdsOnLastEventOfFrame(List<(SseEvent Sse, JsonElement Event)> events)
    {
        for (var i = 0; i < events.Count - 1; i++)
        {
            var samePositionNext = Position(events[i + 1].Event) == Position(events[i].Event);
            Assert.Equal(samePositionNext, events[i].Sse.Id is null);
        }
    }

    private async Task<List<JsonElement>> HistoryAsync(string query)
    {
        var limit = query.Contains("limit=", StringComparison.Ordinal) ? "" : "limit=10000";
        var events = await scene.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{Camera}/events/history?{limit}{query}");
        return [.. events.EnumerateArray().Select(e => e.Clone())];
    }

    private async Task<long> NewestPositionAsync()
    {
        var frames = await scene.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{Camera}/history?limit=10000&from=2000-01-01T00:00:00Z");
        return frames.EnumerateArray().Select(f => long.Parse(f.GetProperty("position").GetString()!, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
    }

    private async Task<HttpResponseMessage> OpenAsync(string path, string? lastEventId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await scene.Viewer.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }
}
