using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>SSE replay without gaps or duplicates however far behind, gap events only where retention deleted frames, WebSocket subscriptions.</summary>
[Collection(SharedGateway.Name)]
public sealed class SubscriptionTests(GatewayFixture gateway)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task A_cursor_that_is_not_a_position_is_refused_naming_where_it_came_from(string cursor)
    {
        using var sse = await gateway.Viewer.GetAsync($"/api/cameras/{GatewayFixture.CameraId}/detections?from={Uri.EscapeDataString(cursor)}");
        var problem = await Problem.AssertAsync(sse, HttpStatusCode.BadRequest);
        Assert.Contains($"from: '{cursor}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/detections");
        request.Headers.Add("Last-Event-ID", $"{GatewayFixture.CameraId}={cursor}");
        using var many = await gateway.Viewer.SendAsync(request);
        var problemMany = await Problem.AssertAsync(many, HttpStatusCode.BadRequest);
        Assert.Contains("Last-Event-ID", problemMany.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var socket = await gateway.Viewer.GetAsync($"/ws/detections?from={Uri.EscapeDataString(cursor)}&cameras={GatewayFixture.CameraId}");
        await Problem.AssertAsync(socket, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_cursor_beyond_the_end_of_the_stream_is_refused_naming_where_it_came_from()
    {
        // Before issue 15 this was a 200 that stayed silent until the camera reached position 99999999.
        var latest = await gateway.LatestPositionAsync();
        Assert.True(latest > 0, "the camera has published");
        var beyond = (latest + 10_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var sse = await gateway.Viewer.GetAsync($"/api/cameras/{GatewayFixture.CameraId}/detections?from={beyond}");
        var problem = await Problem.AssertAsync(sse, HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString();
        Assert.StartsWith($"from: '{beyond}' is beyond the end of camera '{GatewayFixture.CameraId}''s stream", detail, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/detections");
        request.Headers.Add("Last-Event-ID", $"{GatewayFixture.CameraId}={beyond}");
        using var many = await gateway.Viewer.SendAsync(request);
        var problemMany = await Problem.AssertAsync(many, HttpStatusCode.BadRequest);
        Assert.StartsWith("Last-Event-ID:", problemMany.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A WebSocket client's handshake gets the 400 (before the upgrade, so no socket is opened to wait on).
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Api-Key", GatewayFixture.ViewerKey);
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(SocketUri($"from={beyond}&cameras={GatewayFixture.CameraId}"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);

        // A position the stream has reached still resumes: the first frame after it arrives.
        using var cancel = new CancellationTokenSource(Timeout);
        var frames = await ReadFramesAsync(latest.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, cancel.Token);
        Assert.Single(frames);
    }

    [Fact]
    public async Task Reconnecting_with_last_event_id_replays_without_gap_or_duplicate()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var first = await ReadFramesAsync(null, 5, cancel.Token);
        AssertConsecutive(first);

        // Let frames accumulate while disconnected, so the reconnect has to replay them from history.
        var lastSeen = first[^1];
        await Eventually.UntilAsync(gateway.LatestPositionAsync, p => p >= lastSeen + 3, Timeout, "the stream moves on while disconnected");
        var second = await ReadFramesAsync(lastSeen.ToString(CultureInfo.InvariantCulture), 8, cancel.Token);
        Assert.Equal(lastSeen + 1, second[0]);
        AssertConsecutive(second);
    }

    [Fact]
    public async Task A_subscriber_far_behind_its_buffer_replays_everything_in_order_while_a_fast_one_is_unaffected()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var behind = GatewayFixture.BufferFrames * 4;
        var latest = await Eventually.UntilAsync(gateway.LatestPositionAsync, p => p >= behind + 1, Timeout, "enough history to fall behind on");
        var from = latest - behind;

        // The fast subscriber reads live and continuously.
        using var fastResponse = await OpenSseAsync($"/api/cameras/{GatewayFixture.CameraId}/detections", null, cancel.Token);
        using var fast = new SseReader(await fastResponse.Content.ReadAsStreamAsync(cancel.Token));

        // The slow one resumes four buffers back and reads nothing for a while.
        using var slowResponse = await OpenSseAsync($"/api/cameras/{GatewayFixture.CameraId}/detections", from.ToString(CultureInfo.InvariantCulture), cancel.Token);
        var fastPositions = new List<long>();
        while (fastPositions.Count < 20)
        {
            var e = await fast.NextAsync(cancel.Token) ?? throw new InvalidOperationException("fast stream ended");
            Assert.Equal("message", e.Type); // no gap for the fast subscriber
            fastPositions.Add(long.Parse(e.Id!, CultureInfo.InvariantCulture));
        }

        AssertConsecutive(fastPositions);

        // Served from history at its own pace: every frame since its resume point, none lost, none twice.
        using var slow = new SseReader(await slowResponse.Content.ReadAsStreamAsync(cancel.Token));
        var slowPositions = new List<long>();
        while (slowPositions.Count < behind + 20)
        {
            var e = await slow.NextAsync(cancel.Token) ?? throw new InvalidOperationException("slow stream ended");
            Assert.Equal("message", e.Type);
            slowPositions.Add(long.Parse(e.Id!, CultureInfo.InvariantCulture));
        }

        Assert.Equal(from + 1, slowPositions[0]);
        AssertConsecutive(slowPositions);
    }

    [Fact]
    public async Task Resuming_before_the_retained_history_gets_one_gap_saying_where_it_starts_then_the_frames_from_there()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await Eventually.UntilAsync(gateway.LatestPositionAsync, p => p >= GatewayFixture.HistoryCap + 10, Timeout, "history past its cap");
        using var response = await OpenSseAsync($"/api/cameras/{GatewayFixture.CameraId}/detections", "1", cancel.Token);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var gap = await events.NextAsync(cancel.Token) ?? throw new InvalidOperationException("stream ended");
        Assert.Equal("gap", gap.Type);
        var notice = JsonDocument.Parse(gap.Data).RootElement;
        Assert.Equal(GatewayFixture.CameraId, notice.GetProperty("cameraId").GetString());
        Assert.Equal("2", notice.GetProperty("firstMissed").GetString());
        var startsAt = long.Parse(notice.GetProperty("historyStartsAt").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(startsAt - 2, notice.GetProperty("missed").GetInt64());

        // Then frames from (about) there on, in order: the cap may take a few more while the gap is sent.
        var positions = new List<long>();
        while (positions.Count < 10)
        {
            var e = await events.NextAsync(cancel.Token) ?? throw new InvalidOperationException("stream ended");
            Assert.Equal("message", e.Type);
            positions.Add(long.Parse(e.Id!, CultureInfo.InvariantCulture));
        }

        Assert.InRange(positions[0], startsAt, startsAt + GatewayFixture.HistoryCap);
        AssertConsecutive(positions);
    }

    [Fact]
    public async Task Sse_rejects_bad_filters_and_unknown_cameras()
    {
        using var badScore = await gateway.Viewer.GetAsync($"/api/cameras/{GatewayFixture.CameraId}/detections?minScore=2");
        await Problem.AssertAsync(badScore, HttpStatusCode.BadRequest);
        using var unknown = await gateway.Viewer.GetAsync("/api/detections?cameras=nope");
        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task WebSocket_streams_detection_frames_with_filters()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        using var socket = await ConnectAsync($"cameras={GatewayFixture.CameraId}&classes=b&minScore=0.5", cancel.Token);
        for (var i = 0; i < 5; i++)
        {
            var frame = await ReceiveJsonAsync(socket, cancel.Token);
            Assert.False(frame.TryGetProperty("event", out _));
            Assert.Equal(GatewayFixture.CameraId, frame.GetProperty("cameraId").GetString());
            Assert.Equal("refinedet-lite-320", frame.GetProperty("model").GetString());
            Assert.Equal(320, frame.GetProperty("width").GetInt32());
            var detections = frame.GetProperty("detections");
            Assert.NotEqual(0, detections.GetArrayLength()); // the tiny model always finds class b at 0.8
            foreach (var d in detections.EnumerateArray())
            {
                Assert.Equal("b", d.GetProperty("label").GetString());
                Assert.True(d.GetProperty("score").GetDouble() >= 0.5);
            }
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancel.Token);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task WebSocket_sends_gap_notices_as_distinct_objects()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await Eventually.UntilAsync(gateway.LatestPositionAsync, p => p >= GatewayFixture.HistoryCap + 10, Timeout, "history past its cap");
        using var socket = await ConnectAsync($"cameras={GatewayFixture.CameraId}&from=1", cancel.Token);
        var gap = await ReceiveJsonAsync(socket, cancel.Token);
        Assert.Equal("gap", gap.GetProperty("event").GetString());
        Assert.Equal(GatewayFixture.CameraId, gap.GetProperty("cameraId").GetString());
        Assert.True(gap.GetProperty("missed").GetInt64() > 0);
        Assert.True(long.Parse(gap.GetProperty("historyStartsAt").GetString()!, CultureInfo.InvariantCulture) > 2);
        var next = await ReceiveJsonAsync(socket, cancel.Token);
        Assert.False(next.TryGetProperty("event", out _), "a frame follows the notice");
    }

    [Fact]
    public async Task WebSocket_route_refuses_plain_http_unknown_cameras_and_anonymous_callers()
    {
        using var plain = await gateway.Viewer.GetAsync("/ws/detections");
        await Problem.AssertAsync(plain, HttpStatusCode.BadRequest);

        using var unknown = new ClientWebSocket();
        unknown.Options.CollectHttpResponseDetails = true;
        unknown.Options.SetRequestHeader("X-Api-Key", GatewayFixture.ViewerKey);
        await Assert.ThrowsAsync<WebSocketException>(() => unknown.ConnectAsync(SocketUri("cameras=nope"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, unknown.HttpStatusCode);

        using var anonymous = new ClientWebSocket();
        anonymous.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => anonymous.ConnectAsync(SocketUri(string.Empty), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.HttpStatusCode);
    }

    private async Task<List<long>> ReadFramesAsync(string? lastEventId, int count, CancellationToken cancellationToken)
    {
        using var response = await OpenSseAsync($"/api/cameras/{GatewayFixture.CameraId}/detections", lastEventId, cancellationToken);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var positions = new List<long>();
        while (positions.Count < count)
        {
            var e = await reader.NextAsync(cancellationToken) ?? throw new InvalidOperationException("stream ended");
            Assert.Equal("message", e.Type);
            var frame = JsonDocument.Parse(e.Data).RootElement;
            Assert.Equal(GatewayFixture.CameraId, frame.GetProperty("cameraId").GetString());
            positions.Add(long.Parse(e.Id!, CultureInfo.InvariantCulture));
        }

        return positions;
    }

    private async Task<HttpResponseMessage> OpenSseAsync(string route, string? lastEventId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, route);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await gateway.Viewer.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }

    private Uri SocketUri(string query) => new($"ws://127.0.0.1:{gateway.Service.Port}/ws/detections?{query}");

    private async Task<ClientWebSocket> ConnectAsync(string query, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Api-Key", GatewayFixture.ViewerKey);
        await socket.ConnectAsync(SocketUri(query), cancellationToken);
        return socket;
    }

    internal static async Task<JsonElement> ReceiveJsonAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return JsonDocument.Parse(Encoding.UTF8.GetString(message.ToArray())).RootElement.Clone();
    }

    private static void AssertConsecutive(IReadOnlyList<long> positions)
    {
        for (var i = 1; i < positions.Count; i++)
        {
            Assert.True(positions[i] == positions[i - 1] + 1, $"positions not consecutive: {string.Join(",", positions)}");
        }
    }
}
