using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// What a camera leaves behind: subscribers of a deleted camera get a final event and a closed stream, its metrics
/// series leave /metrics while <c>va_camera_state</c> reports the cameras that exist, and a switched-off camera reads
/// 0 fps.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class DeletedCameraTests(GatewayFixture gateway)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sse_subscribers_of_a_deleted_camera_get_camera_deleted_and_the_stream_ends()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await AddStreamingCameraAsync("del-sse");
        using var response = await gateway.Viewer.GetAsync(new Uri("/api/cameras/del-sse/detections", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var first = await events.NextAsync(cancel.Token);
        Assert.Equal("message", first?.Type);

        using (var deleted = await gateway.Admin.DeleteAsync(new Uri("/api/cameras/del-sse", UriKind.Relative), cancel.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        SseEvent? final;
        do
        {
            final = await events.NextAsync(cancel.Token) ?? throw new InvalidOperationException("the stream ended without camera.deleted");
        }
        while (final.Type == "message");

        Assert.Equal("camera.deleted", final.Type);
        Assert.Equal("del-sse", JsonDocument.Parse(final.Data).RootElement.GetProperty("cameraId").GetString());
        Assert.Null(await events.NextAsync(cancel.Token)); // the server closed the response

        using var again = await gateway.Viewer.GetAsync(new Uri("/api/cameras/del-sse/detections", UriKind.Relative), cancel.Token);
        await Problem.AssertAsync(again, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_multi_camera_sse_subscription_is_told_of_the_deleted_camera_and_goes_on_with_the_others()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await AddStreamingCameraAsync("del-many");
        using var response = await gateway.Viewer.GetAsync(
            new Uri($"/api/detections?cameras=del-many,{GatewayFixture.CameraId}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        Assert.Equal("message", (await events.NextAsync(cancel.Token))?.Type);
        using (await gateway.Admin.DeleteAsync(new Uri("/api/cameras/del-many", UriKind.Relative), cancel.Token))
        {
        }

        SseEvent? next;
        do
        {
            next = await events.NextAsync(cancel.Token) ?? throw new InvalidOperationException("the stream ended");
        }
        while (next.Type == "message");

        Assert.Equal("camera.deleted", next.Type);
        Assert.Contains("\"del-many\"", next.Data, StringComparison.Ordinal);
        var after = await events.NextAsync(cancel.Token);
        Assert.Equal("message", after?.Type);
        Assert.Equal(GatewayFixture.CameraId, JsonDocument.Parse(after!.Data).RootElement.GetProperty("cameraId").GetString());
    }

    [Fact]
    public async Task WebSocket_subscribers_of_a_deleted_camera_get_a_final_message_and_a_normal_close_with_a_reason()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await AddStreamingCameraAsync("del-ws");
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Api-Key", GatewayFixture.ViewerKey);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.Service.Port}/ws/detections?cameras=del-ws"), cancel.Token);
        var frame = await SubscriptionTests.ReceiveJsonAsync(socket, cancel.Token);
        Assert.Equal("del-ws", frame.GetProperty("cameraId").GetString());

        using (await gateway.Admin.DeleteAsync(new Uri("/api/cameras/del-ws", UriKind.Relative), cancel.Token))
        {
        }

        JsonElement final;
        do
        {
            final = await SubscriptionTests.ReceiveJsonAsync(socket, cancel.Token);
        }
        while (!final.TryGetProperty("event", out _));

        Assert.Equal("camera.deleted", final.GetProperty("event").GetString());
        Assert.Equal("del-ws", final.GetProperty("cameraId").GetString());

        var buffer = new byte[1024];
        var close = await socket.ReceiveAsync(buffer, cancel.Token);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal("camera deleted", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task A_deleted_cameras_series_leave_metrics_and_the_state_gauge_reports_the_cameras_there_are()
    {
        await AddStreamingCameraAsync("del-metrics");
        var before = await Eventually.UntilAsync(
            () => gateway.Viewer.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            t => Series(t, "del-metrics").Any(s => s.StartsWith("va_camera_frames_processed_total", StringComparison.Ordinal))
                && t.Contains("va_camera_state{camera=\"del-metrics\",state=\"streaming\"} 1", StringComparison.Ordinal),
            Timeout, "the camera's series and its state in /metrics");
        Assert.Contains("# TYPE va_camera_state gauge", before, StringComparison.Ordinal);
        Assert.Contains("va_camera_state{camera=\"del-metrics\",state=\"failed\"} 0", before, StringComparison.Ordinal);
        Assert.Contains($"va_camera_state{{camera=\"{GatewayFixture.CameraId}\",state=\"streaming\"}} 1", before, StringComparison.Ordinal);
        Assert.Contains(Series(before, "del-metrics"), s => s.StartsWith("va_camera_frames_captured_total", StringComparison.Ordinal));

        using (var deleted = await gateway.Admin.DeleteAsync(new Uri("/api/cameras/del-metrics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var after = await Eventually.UntilAsync(
            () => gateway.Viewer.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            t => Series(t, "del-metrics").Count == 0,
            Timeout, "no series of the deleted camera");
        Assert.Contains($"va_camera_state{{camera=\"{GatewayFixture.CameraId}\",state=\"streaming\"}} 1", after, StringComparison.Ordinal);
        Assert.Matches($"(?m)^va_camera_frames_processed_total\\{{camera=\"{GatewayFixture.CameraId}\"\\}} [1-9]", after);
    }

    [Fact]
    public async Task A_switched_off_camera_reads_zero_fps_and_no_error()
    {
        await AddStreamingCameraAsync("fps-off");
        try
        {
            await Eventually.UntilAsync(
                () => gateway.Viewer.GetFromJsonAsync<JsonElement>(new Uri("/api/cameras/fps-off", UriKind.Relative)),
                c => c.GetProperty("inputFps").GetDouble() > 0,
                Timeout, "a rate while streaming");
            using (var off = await gateway.Admin.PatchAsJsonAsync(new Uri("/api/cameras/fps-off", UriKind.Relative), new { enabled = false }))
            {
                Assert.Equal(HttpStatusCode.OK, off.StatusCode);
            }

            // Once its grain reported the stop (no silo runs it), and at every moment before.
            var stopped = await Eventually.UntilAsync(
                async () =>
                {
                    var camera = await gateway.Viewer.GetFromJsonAsync<JsonElement>(new Uri("/api/cameras/fps-off", UriKind.Relative));
                    Assert.Equal(0, camera.GetProperty("inputFps").GetDouble());
                    Assert.Equal(0, camera.GetProperty("processedFps").GetDouble());
                    return camera;
                },
                c => c.GetProperty("silo").ValueKind == JsonValueKind.Null,
                Timeout, "the camera's grain reports it stopped");
            Assert.Equal("stopped", stopped.GetProperty("state").GetString(), ignoreCase: true);
            Assert.Equal(JsonValueKind.Null, stopped.GetProperty("lastError").ValueKind);
        }
        finally
        {
            using (await gateway.Admin.DeleteAsync(new Uri("/api/cameras/fps-off", UriKind.Relative)))
            {
            }
        }
    }

    private async Task AddStreamingCameraAsync(string id)
    {
        using (var created = await gateway.Admin.PostAsJsonAsync(new Uri("/api/cameras", UriKind.Relative), new { id, url = gateway.Clip, fps = 10, minScore = 0.0 }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        await Eventually.UntilAsync(
            () => gateway.Viewer.GetFromJsonAsync<JsonElement>(new Uri($"/api/cameras/{id}", UriKind.Relative)),
            c => c.GetProperty("framesProcessed").GetInt64() >= 2,
            Timeout, $"camera {id} produces frames");
    }

    private static List<string> Series(string metrics, string camera) =>
        [.. metrics.Split('\n').Where(l => !l.StartsWith('#') && l.Contains($"camera=\"{camera}\"", StringComparison.Ordinal))];
}
