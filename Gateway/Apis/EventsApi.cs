using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Gateway.Subscriptions;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>
/// Scene events (zone.enter, zone.exit, line.cross) live and from history. They are stored inside their frames
/// (<see cref="DetectionFrame.Events"/>), so these routes are the detection subscriptions with another filter and
/// another message shape: the same positions, replay, hand-over to live, gap and deletion notices.
/// </summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/cameras/{id}/events", StreamCameraAsync)
            .WithTags("Events").WithName("StreamCameraEvents")
            .WithSummary("Server-Sent Events of one camera's scene events (?types=zone.enter,line.cross&zone=door); id: = the frame's position; honors Last-Event-ID and ?from=.")
            .RequireAuthorization(GatewayPolicies.Viewer);
        endpoints.MapGet("/api/events", StreamManyAsync)
            .WithTags("Events").WithName("StreamEvents")
            .WithSummary("Server-Sent Events of scene events over several cameras (?cameras=a,b; all when omitted).")
            .RequireAuthorization(GatewayPolicies.Viewer);
        endpoints.MapGet("/ws/events", StreamWebSocketAsync)
            .WithTags("Events").WithName("StreamEventsWebSocket")
            .WithSummary("WebSocket of scene events, one JSON message each (same query as /api/events).")
            .RequireAuthorization(GatewayPolicies.Viewer);
        endpoints.MapGet("/api/cameras/{id}/events/history", HistoryAsync)
            .WithTags("Events").WithName("GetCameraEventHistory")
            .WithSummary("Stored scene events of one camera in [from, to] (ISO 8601; default the last hour), oldest first; ?type=, ?zone= and ?limit= (1..10000, default 100).")
            .RequireAuthorization(GatewayPolicies.Viewer);
        return endpoints;
    }

    private static (IFrameFilter? Filter, string? Error) ParseFilter(IQueryCollection query) => SceneEventFilter.Parse(query, "types");

    /// <summary>One message per event of the frame that the subscriber's filter keeps.</summary>
    private static IEnumerable<string> Messages(FrameEvent frame, IFrameFilter filter) =>
        SceneEventMessage.OfFrame(frame.Position, frame.Frame.Events, (SceneEventFilter)filter).Select(e => JsonSerializer.Serialize(e, GatewayJson.Options));

    private static async Task<IResult> StreamCameraAsync(
        string id, HttpContext context, ICameraRegistry registry, IDetectionStreams streams, LiveDetectionHub live, IOptions<SubscriptionOptions> options, IHostApplicationLifetime lifetime)
    {
        if (await registry.GetAsync(id, context.RequestAborted) is null)
        {
            return Problems.NotFound($"no camera '{id}'");
        }

        return await DetectionsApi.StreamAsync(context, [id], composite: false, streams, live, options.Value, lifetime, ParseFilter, Messages);
    }

    private static async Task<IResult> StreamManyAsync(
        HttpContext context, ICameraRegistry registry, IDetectionStreams streams, LiveDetectionHub live, IOptions<SubscriptionOptions> options, IHostApplicationLifetime lifetime)
    {
        var (cameras, missing) = await DetectionsApi.CamerasOfAsync(context, registry);
        return cameras is null
            ? Problems.NotFound($"no camera '{missing}'")
            : await DetectionsApi.StreamAsync(context, cameras, composite: true, streams, live, options.Value, lifetime, ParseFilter, Messages);
    }

    private static Task<IResult> StreamWebSocketAsync(
        HttpContext context, ICameraRegistry registry, IDetectionStreams streams, LiveDetectionHub live, IOptions<SubscriptionOptions> options, IHostApplicationLifetime lifetime) =>
        DetectionsApi.ServeWebSocketAsync(context, registry, streams, live, options.Value, lifetime, ParseFilter, Messages);

    private static async Task<Results<Ok<SceneEventMessage[]>, ProblemHttpResult>> HistoryAsync(
        string id, HttpContext context, ICameraRegistry registry, IDetectionStreams streams, TimeProvider clock)
    {
        var query = context.Request.Query;
        var now = clock.GetUtcNow();
        if (!QueryValues.TryTime(query, "to", now, out var to, out var error)
            || !QueryValues.TryTime(query, "from", to - TimeSpan.FromHours(1), out var from, out error)
            || !QueryValues.TryInt(query, "limit", 100, 1, HistoryApi.MaxHistory, out var limit, out error))
        {
            return Problems.BadRequest(error!);
        }

        var (filter, filterError) = SceneEventFilter.Parse(query, "type");
        if (filter is null)
        {
            return Problems.BadRequest(filterError!);
        }

        if (from > to)
        {
            return Problems.BadRequest("from must not be later than to");
        }

        if (await registry.GetAsync(id, context.RequestAborted) is null)
        {
            return Problems.NotFound($"no camera '{id}'");
        }

        // Events live in their frames: scan the range's frames (as many as statistics read) for the first `limit` events.
        var kept = new List<SceneEventMessage>();
        foreach (var entry in await streams.RangeAsync(id, from, to, HistoryApi.MaxFramesScanned, context.RequestAborted))
        {
            foreach (var e in SceneEventMessage.OfFrame(entry.Position, entry.Frame.Events, filter))
            {
                kept.Add(e);
                if (kept.Count == limit)
                {
                    return TypedResults.Ok(kept.ToArray());
                }
            }
        }

        return TypedResults.Ok(kept.ToArray());
    }
}
