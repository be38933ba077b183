using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Gateway.Subscriptions;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>
/// Detection subscriptions over Server-Sent Events: one camera (<c>/api/cameras/{id}/detections</c>) or several
/// (<c>/api/detections?cameras=a,b</c>). Each event's <c>id:</c> is its stream position (a composite
/// <c>camera=position</c> list for several cameras), so a reconnecting EventSource resumes without gaps or duplicates.
/// </summary>
public static class DetectionsApi
{
    /// <summary>The SSE event name (WebSocket: the <c>event</c> member) of a subscribed camera's deletion.</summary>
    public const string CameraDeletedEventName = "camera.deleted";

    public static IEndpointRouteBuilder MapDetectionsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/cameras/{id}/detections", StreamCameraAsync)
            .WithTags("Detections").WithName("StreamCameraDetections")
            .WithSummary("Server-Sent Events of one camera's DetectionFrames; honors Last-Event-ID and ?from=.")
            .RequireAuthorization(GatewayPolicies.Viewer);
        endpoints.MapGet("/api/detections", StreamManyAsync)
            .WithTags("Detections").WithName("StreamDetections")
            .WithSummary("Server-Sent Events over several cameras (?cameras=a,b; all when omitted).")
            .RequireAuthorization(GatewayPolicies.Viewer);
        endpoints.MapGet("/ws/detections", StreamWebSocketAsync)
            .WithTags("Detections").WithName("StreamDetectionsWebSocket")
            .WithSummary("WebSocket of DetectionFrame JSON messages (same query as /api/detections); a lost-frames notice is {\"event\":\"gap\",…}.")
            .RequireAuthorization(GatewayPolicies.Viewer);
        return endpoints;
    }

    private static async Task<IResult> StreamCameraAsync(
        string id, HttpContext context, ICameraRegistry registry, IDetectionStreams streams, LiveDetectionHub live, IOptions<SubscriptionOptions> options, IHostApplicationLifetime lifetime)
    {
        if (await registry.GetAsync(id, context.RequestAborted) is null)
        {
            return Problems.NotFound($"no camera '{id}'");
        }

        return await StreamAsync(context, [id], composite: false, streams, live, options.Value, lifetime, ParseDetectionFilter, FrameMessage);
    }

    private static async Task<IResult> StreamManyAsync(
        HttpContext context, ICameraRegistry registry, IDetectionStreams streams, LiveDetectionHub live, IOptions<SubscriptionOptions> options, IHostApplicationLifetime lifetime)
    {
        var (cameras, missing) = await CamerasOfAsync(context, registry);
        return cameras is null
            ? Problems.NotFound($"no camera '{missing}'")
            : await StreamAsync(context, cameras, composite: true, streams, live, options.Value, lifetime, ParseDetectionFilter, FrameMessage);
    }

    /// <summary>The cameras named by <c>?cameras=</c> (all when omitted), or the first unknown one.</summary>
    internal static async Task<(List<string>? Cameras, string? Missing)> CamerasOfAsync(HttpContext context, ICameraRegistry registry)
    {
        var requested = SubscriptionRequest.SplitList(context.Request.Query["cameras"].ToString());
        var known = (await registry.ListAsync(context.RequestAborted)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var camera in requested)
        {
            if (!known.Contains(camera))
            {
                return (null, camera);
            }
        }

        return (requested.Count > 0 ? requested.Distinct(StringComparer.Ordinal).ToList() : [.. known.Order(StringComparer.Ordinal)], null);
    }

    private static Task<IResult> StreamWebSocketAsync(
        HttpContext context, ICameraRegistry registry, IDetectionStreams streams, LiveDetectionHub live, IOptions<SubscriptionOptions> options, IHostApplicationLifetime lifetime) =>
        ServeWebSocketAsync(context, registry, streams, live, options.Value, lifetime, ParseDetectionFilter, FrameMessage);

    /// <summary>The subscription filter of the detection routes (<c>classes</c>, <c>minScore</c>, <c>onlyWithDetections</c>).</summary>
    private static (IFrameFilter? Filter, string? Error) ParseDetectionFilter(IQueryCollection query) => SubscriptionRequest.ParseFilter(query);

    /// <summary>A detection subscriber is sent each frame whole, as one message.</summary>
    private static IEnumerable<string> FrameMessage(FrameEvent frame, IFrameFilter filter) => [JsonSerializer.Serialize(frame.Frame, GatewayJson.Options)];

    /// <summary>
    /// A WebSocket subscription over <c>?cameras=</c>: each stored frame the filter keeps becomes the messages
    /// <paramref name="messages"/> makes of it (given the request's filter); gap and deletion notices as JSON objects with an <c>event</c> member.
    /// Shared by the detection and the scene-event routes.
    /// </summary>
    internal static async Task<IResult> ServeWebSocketAsync(
        HttpContext context, ICameraRegistry registry, IDetectionStreams streams, LiveDetectionHub live, SubscriptionOptions options, IHostApplicationLifetime lifetime,
        Func<IQueryCollection, (IFrameFilter? Filter, string? Error)> parseFilter, Func<FrameEvent, IFrameFilter, IEnumerable<string>> messages)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Problems.BadRequest("this route speaks WebSocket: connect with a WebSocket client (Upgrade: websocket)");
        }

        var (cameras, missing) = await CamerasOfAsync(context, registry);
        if (cameras is null)
        {
            return Problems.NotFound($"no camera '{missing}'");
        }

        var (filter, error) = parseFilter(context.Request.Query);
        if (filter is null)
        {
            return Problems.BadRequest(error!);
        }

        var resume = SubscriptionRequest.ResumePoints(context.Request, cameras);
        if (await SubscriptionRequest.CheckResumePointsAsync(streams, resume, context.Request, context.RequestAborted) is { } badCursor)
        {
            return Problems.BadRequest(badCursor);
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var closedByClient = WatchForCloseAsync(socket, stop);
        var closeReason = "bye";
        try
        {
            await using var subscription = await DetectionSubscription.StartAsync(streams, live, resume, filter, options.BufferFrames, stop.Token);
            await foreach (var item in subscription.ReadAllAsync(stop.Token))
            {
                if (item is FrameEvent frame)
                {
                    foreach (var text in messages(frame, filter))
                    {
                        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, stop.Token);
                    }

                    continue;
                }

                var message = item switch
                {
                    GapEvent gap => JsonSerializer.SerializeToUtf8Bytes(new { @event = "gap", gap.CameraId, gap.Missed, gap.FirstMissed, gap.HistoryStartsAt }, GatewayJson.Options),
                    CameraDeletedEvent deleted => JsonSerializer.SerializeToUtf8Bytes(new { @event = CameraDeletedEventName, deleted.CameraId }, GatewayJson.Options),
                    _ => null,
                };
                if (message is not null)
                {
                    await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, stop.Token);
                }

                if (item is CameraDeletedEvent { Last: true })
                {
                    // Nothing is left to follow: a normal close whose reason says why, rather than silence.
                    closeReason = "camera deleted";
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // the client went away or the service is stopping
        }

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            // A clean close frame tells the client why the stream ended (1001 when the service stops).
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                var status = lifetime.ApplicationStopping.IsCancellationRequested ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure;
                await socket.CloseOutputAsync(status, status == WebSocketCloseStatus.EndpointUnavailable ? "service stopping" : closeReason, closing.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // the peer vanished while we said goodbye
            }
        }

        try
        {
            await closedByClient.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            // the client never answered our close; disposing the socket aborts it
        }

        return Results.Empty;
    }

    /// <summary>Reads (and discards) client messages until it closes, then stops the subscription.</summary>
    /// <remarks>The receive is not cancellable on purpose: cancelling a WebSocket receive aborts the socket, and
    /// then no clean close frame could be sent. It ends when the client's close (or our close's answer) arrives.</remarks>
    private static async Task WatchForCloseAsync(WebSocket socket, CancellationTokenSource stop)
    {
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // closing anyway
        }

        try
        {
            await stop.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // the route already finished
        }
    }

    /// <summary>
    /// An SSE subscription: each stored frame the filter keeps becomes the <c>data:</c> events
    /// <paramref name="messages"/> makes of it (given the request's filter). Only a frame's last event carries the <c>id:</c> (its position, or the
    /// composite cursor), so a client that reconnects in the middle of one frame's events is sent all of them again
    /// rather than losing the rest. Shared by the detection and the scene-event routes.
    /// </summary>
    internal static async Task<IResult> StreamAsync(
        HttpContext context, List<string> cameras, bool composite, IDetectionStreams streams, LiveDetectionHub live, SubscriptionOptions options, IHostApplicationLifetime lifetime,
        Func<IQueryCollection, (IFrameFilter? Filter, string? Error)> parseFilter, Func<FrameEvent, IFrameFilter, IEnumerable<string>> messages)
    {
        var (filter, error) = parseFilter(context.Request.Query);
        if (filter is null)
        {
            return Problems.BadRequest(error!);
        }

        var resume = SubscriptionRequest.ResumePoints(context.Request, cameras);
        if (await SubscriptionRequest.CheckResumePointsAsync(streams, resume, context.Request, context.RequestAborted) is { } badCursor)
        {
            return Problems.BadRequest(badCursor);
        }

        // Ends on disconnect and on shutdown, so stopping the service never waits for subscribers to leave.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var aborted = stop.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // tell reverse proxies not to buffer the stream

        await using var subscription = await DetectionSubscription.StartAsync(streams, live, resume, filter, options.BufferFrames, aborted);
        await response.WriteAsync(": subscribed\n\n", aborted);
        await response.Body.FlushAsync(aborted);
        var text = new StringBuilder();
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var next = await subscription.NextAsync(options.Heartbeat, aborted);
                text.Clear();
                switch (next)
                {
                    case null:
                        text.Append(": keep-alive\n\n");
                        break;
                    case FrameEvent frame:
                        var id = composite ? subscription.Cursor : frame.Position;
                        var pending = (string?)null;
                        foreach (var data in messages(frame, filter))
                        {
                            if (pending is not null)
                            {
                                text.Append("data: ").Append(pending).Append("\n\n");
                            }

                            pending = data;
                        }

                        if (pending is not null)
                        {
                            text.Append("id: ").Append(id).Append('\n');
                            text.Append("data: ").Append(pending).Append("\n\n");
                        }

                        break;
                    case GapEvent gap:
                        text.Append("event: gap\n");
                        text.Append("data: ").Append(JsonSerializer.Serialize(gap, GatewayJson.Options)).Append("\n\n");
                        break;
                    case CameraDeletedEvent deleted:
                        text.Append("event: ").Append(CameraDeletedEventName).Append('\n');
                        text.Append("data: ").Append(JsonSerializer.Serialize(new { deleted.CameraId }, GatewayJson.Options)).Append("\n\n");
                        break;
                }

                await response.WriteAsync(text.ToString(), aborted);
                await response.Body.FlushAsync(aborted);
                if (next is CameraDeletedEvent { Last: true })
                {
                    // The response ends here: an EventSource that reconnects gets 404 for a camera that is gone.
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the subscriber disconnected or the service is shutting down: the stream simply ends
        }

        return Results.Empty;
    }
}
