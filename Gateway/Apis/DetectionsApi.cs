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
        return endpoints;
    }

    private static async Task<IResult> StreamCameraAsync(
        string id, HttpContext context, ICameraRegistry registry, IDetectionStreams streams, IOptions<SubscriptionOptions> options)
    {
        if (await registry.GetAsync(id, context.RequestAborted) is null)
        {
            return Problems.NotFound($"no camera '{id}'");
        }

        return await StreamAsync(context, [id], composite: false, streams, options.Value);
    }

    private static async Task<IResult> StreamManyAsync(HttpContext context, ICameraRegistry registry, IDetectionStreams streams, IOptions<SubscriptionOptions> options)
    {
        var requested = SubscriptionRequest.SplitList(context.Request.Query["cameras"].ToString());
        var known = (await registry.ListAsync(context.RequestAborted)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var camera in requested)
        {
            if (!known.Contains(camera))
            {
                return Problems.NotFound($"no camera '{camera}'");
            }
        }

        var cameras = requested.Count > 0 ? requested.Distinct(StringComparer.Ordinal).ToList() : [.. known.Order(StringComparer.Ordinal)];
        return await StreamAsync(context, cameras, composite: true, streams, options.Value);
    }

    private static async Task<IResult> StreamAsync(HttpContext context, List<string> cameras, bool composite, IDetectionStreams streams, SubscriptionOptions options)
    {
        var (filter, error) = SubscriptionRequest.ParseFilter(context.Request.Query);
        if (filter is null)
        {
            return Problems.BadRequest(error!);
        }

        var resume = SubscriptionRequest.ResumePoints(context.Request, cameras);
        var aborted = context.RequestAborted;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // tell reverse proxies not to buffer the stream

        await using var subscription = await DetectionSubscription.StartAsync(streams, resume, filter, options.BufferFrames, aborted);
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
                        text.Append("id: ").Append(composite ? subscription.Cursor : frame.Position).Append('\n');
                        text.Append("data: ").Append(JsonSerializer.Serialize(frame.Frame, GatewayJson.Options)).Append("\n\n");
                        break;
                    case GapEvent gap:
                        text.Append("event: gap\n");
                        text.Append("data: ").Append(JsonSerializer.Serialize(gap, GatewayJson.Options)).Append("\n\n");
                        break;
                }

                await response.WriteAsync(text.ToString(), aborted);
                await response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException)
        {
            // the subscriber disconnected or the service is shutting down: the stream simply ends
        }

        return Results.Empty;
    }
}
