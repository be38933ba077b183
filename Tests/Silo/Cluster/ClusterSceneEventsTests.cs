using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Gateway;
using VideoAnalytics.Tests.Models;
using VideoAnalytics.Tests.Silo.Cameras;
using Eventually = VideoAnalytics.Tests.Support.Eventually;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>
/// Scene events in a real cluster: a camera with a zone and a line (the shipped model on the demo video, whose objects
/// really cross) runs on one of two silo processes; a gateway process of its own serves its events over SSE and from
/// history. What the gateway serves came through Redis only: the frames' history (Redis Streams) and the camera's live
/// Orleans stream (our Redis queues). One subscriber follows the events across a <c>Last-Event-ID</c> resume and the
/// loss of the camera's silo, and must see exactly the stored events, in order, none twice and none missing.
/// </summary>
/// <remarks>One test, one cluster: the phases build on each other (the failover ends the first silo), and a cluster
/// with the shipped model on a loaded machine takes long enough to start once.</remarks>
[Collection(CameraTestGroup.Name)]
public sealed class ClusterSceneEventsTests
{
    private const string Camera = "scene-1";
    private const int SigKill = 9;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Scene_events_reach_a_cluster_gateway_live_and_from_history_without_gap_or_duplicate_across_a_resume_and_a_failover()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 2, shippedModel: true);
        try
        {
            var client = cluster.Gateway!.Client;
            var zone = new { name = "all", polygon = new[] { new[] { 0.0, 0.0 }, [1.0, 0.0], [1.0, 1.0], [0.0, 1.0] } };
            var line = new { name = "middle", from = new[] { 0.5, 0.0 }, to = new[] { 0.5, 1.0 } };
            using (var created = await client.PostAsJsonAsync("/api/cameras",
                new { id = Camera, url = ShippedModel.RepoFile("models/demo.mp4"), fps = 5, zones = new[] { zone }, lines = new[] { line } }))
            {
                Assert.True(created.IsSuccessStatusCode, $"registering {Camera}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            }

            var owner = (await cluster.WaitStreamingAsync([Camera], TimeSpan.FromSeconds(90)))[Camera];
            var firstEpoch = await cluster.EpochAsync(Camera);

            // Events in the Redis history, written by the camera's silo.
            var stored = await Eventually.UntilAsync(
                () => HistoryAsync(client), events => events.Any(e => Type(e) == "line.cross") && events.Count >= 3, Timeout,
                $"{Camera} stores scene events in Redis");
            var cursor = Position(stored[0]);

            // 1. Resume after the first stored event's frame (Last-Event-ID): the stored ones after it, then live ones, until
            // more than the history held when we looked (so some came over the live stream), ending on a frame's last event.
            var received = new List<JsonElement>();
            string lastId;
            using (var cancel = new CancellationTokenSource(Timeout))
            {
                using var response = await OpenAsync(client, cursor, cancel.Token);
                using var sse = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));
                var replayed = stored.Count(e => StreamAssert.Compare(Position(e), cursor) > 0);
                lastId = await ReadAsync(sse, received, () => received.Count > replayed + 1, cancel.Token);
            }

            // 2. Reconnect as a browser's EventSource does, with the last id it was sent; a few more events.
            var beforeResume = received.Count;
            using var cancelLive = new CancellationTokenSource(Timeout);
            using var resumed = await OpenAsync(client, lastId, cancelLive.Token);
            using var live = new SseReader(await resumed.Content.ReadAsStreamAsync(cancelLive.Token));
            lastId = await ReadAsync(live, received, () => received.Count >= beforeResume + 2, cancelLive.Token);

            // 3. The camera's silo dies: the other one takes the camera (a new epoch, a new tracker), and its events follow
            // on the same subscription.
            cluster.Silos[owner].Signal(SigKill);
            lastId = await ReadAsync(live, received, () => Epoch(received[^1]) > firstEpoch, cancelLive.Token);
            var after = await cluster.WaitStreamingAsync([Camera], TimeSpan.FromSeconds(30), s => s.Silo != owner);
            Assert.NotEqual(owner, after[Camera]);

            // Exactly the stored events after the cursor, up to the last one received: none lost at the resume, none
            // twice (a frame's events were not sent again after its id), none lost or repeated across the failover.
            var history = await Eventually.UntilAsync(
                () => HistoryAsync(client), events => events.Any(e => Position(e) == lastId), TimeSpan.FromSeconds(30), "the last event received is in the history");
            var expected = history.Where(e => StreamAssert.Compare(Position(e), cursor) > 0 && StreamAssert.Compare(Position(e), lastId) <= 0).Select(Key).ToList();
            Assert.Equal(expected, received.Select(Key).ToList());
            Assert.Equal(received.Count, received.Select(Key).Distinct().Count());

            // The events say where they came from: this camera's zone and line, epochs never going back, the new
            // activation's events with its own epoch (its track ids are its tracker's: (epoch, trackId) names one object).
            Assert.All(received, e => Assert.Equal(Camera, e.GetProperty("cameraId").GetString()));
            Assert.All(received, e => Assert.Contains(e.GetProperty("name").GetString(), new[] { "all", "middle" }));
            Assert.Equal(received.Select(Epoch).Order(), received.Select(Epoch));
            Assert.Contains(received, e => Epoch(e) == firstEpoch);
            var moved = received.Where(e => Epoch(e) > firstEpoch).ToList();
            Assert.NotEmpty(moved);
            Assert.All(moved, e => Assert.True(e.GetProperty("trackId").GetInt32() > 0));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(e.Message + "\n" + cluster.Logs(), e);
        }
    }

    /// <summary>
    /// Reads events into <paramref name="received"/> until <paramref name="enough"/> holds on a frame's last event (the one
    /// with the SSE id a client resumes from); returns that id.
    /// </summary>
    private static async Task<string> ReadAsync(SseReader sse, List<JsonElement> received, Func<bool> enough, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = await sse.NextAsync(cancellationToken) ?? throw new InvalidOperationException("the stream ended");
            Assert.True(next.Type == "message", $"unexpected '{next.Type}' event: {next.Data}");
            received.Add(JsonDocument.Parse(next.Data).RootElement.Clone());
            if (next.Id is { } id && enough())
            {
                Assert.Equal(Position(received[^1]), id);
                return id;
            }
        }
    }

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string lastEventId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/cameras/{Camera}/events");
        request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task<List<JsonElement>> HistoryAsync(HttpClient client)
    {
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture));
        var events = await client.GetFromJsonAsync<JsonElement>($"/api/cameras/{Camera}/events/history?limit=10000&from={from}");
        return [.. events.EnumerateArray().Select(e => e.Clone())];
    }

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    private static string Position(JsonElement e) => e.GetProperty("position").GetString()!;

    private static long Epoch(JsonElement e) => e.GetProperty("epoch").GetInt64();

    private static (string Position, int Index) Key(JsonElement e) => (Position(e), e.GetProperty("index").GetInt32());
}
