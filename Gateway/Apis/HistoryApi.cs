using Microsoft.AspNetCore.Http.HttpResults;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Gateway.History;
using VideoAnalytics.Gateway.Subscriptions;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>
/// Stored detections: one camera's frames in a time range, and per-class counts per time bucket for dashboards, or
/// per zone or line from the scene events the frames carry.
/// </summary>
public static class HistoryApi
{
    /// <summary>More buckets than this would be a chart nobody can read and a response nobody wants.</summary>
    public const int MaxBuckets = 1440;

    public const int MaxHistory = 10_000;

    /// <summary>Frames read per camera for statistics and filtered queries; the in-memory stream keeps fewer by default anyway.</summary>
    public const int MaxFramesScanned = 100_000;

    public static IEndpointRouteBuilder MapHistoryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/cameras/{id}/history", HistoryAsync)
            .WithTags("History").WithName("GetCameraHistory")
            .WithSummary("Stored DetectionFrames of one camera in [from, to] (ISO 8601; default the last hour), oldest first; ?classes= and ?limit= (1..10000, default 100).")
            .RequireAuthorization(GatewayPolicies.Viewer);
        endpoints.MapGet("/api/stats", StatsAsync)
            .WithTags("History").WithName("GetDetectionStats")
            .WithSummary("Detections per class per time bucket (?cameras=a,b&from=&to=&bucket=60s; default all cameras, the last hour, 60 s buckets); ?groupBy=line: line crossings in/out per line, ?groupBy=zone: zone entries, exits and mean dwell per zone, from the stored scene events.")
            .RequireAuthorization(GatewayPolicies.Viewer);
        return endpoints;
    }

    private static async Task<Results<Ok<StreamEntry[]>, ProblemHttpResult>> HistoryAsync(
        string id, HttpContext context, ICameraRegistry registry, IDetectionStreams streams, TimeProvider clock)
    {
        var query = context.Request.Query;
        var now = clock.GetUtcNow();
        if (!QueryValues.TryTime(query, "to", now, out var to, out var error)
            || !QueryValues.TryTime(query, "from", to - TimeSpan.FromHours(1), out var from, out error)
            || !QueryValues.TryInt(query, "limit", 100, 1, MaxHistory, out var limit, out error))
        {
            return Problems.BadRequest(error!);
        }

        if (from > to)
        {
            return Problems.BadRequest("from must not be later than to");
        }

        if (await registry.GetAsync(id, context.RequestAborted) is null)
        {
            return Problems.NotFound($"no camera '{id}'");
        }

        var classes = SubscriptionRequest.SplitList(query["classes"].ToString());
        if (classes.Count == 0)
        {
            return TypedResults.Ok((await streams.RangeAsync(id, from, to, limit, context.RequestAborted)).ToArray());
        }

        // With classes, keep frames that found one of them, showing only those detections.
        var filter = new SubscriptionFilter(classes, 0, OnlyWithDetections: true);
        var kept = new List<StreamEntry>();
        foreach (var entry in await streams.RangeAsync(id, from, to, MaxFramesScanned, context.RequestAborted))
        {
            if (filter.Apply(entry.Frame) is { } frame)
            {
                kept.Add(entry with { Frame = frame });
                if (kept.Count == limit)
                {
                    break;
                }
            }
        }

        return TypedResults.Ok(kept.ToArray());
    }

    private static async Task<Results<Ok<DetectionStats>, Ok<SceneStats<LineTally>>, Ok<SceneStats<ZoneTally>>, ProblemHttpResult>> StatsAsync(
        HttpContext context, ICameraRegistry registry, IDetectionStreams streams, TimeProvider clock)
    {
        var query = context.Request.Query;
        var now = clock.GetUtcNow();
        if (!QueryValues.TryTime(query, "to", now, out var to, out var error)
            || !QueryValues.TryTime(query, "from", to - TimeSpan.FromHours(1), out var from, out error))
        {
            return Problems.BadRequest(error!);
        }

        var groupBy = query["groupBy"].ToString().ToLowerInvariant();
        if (groupBy.Length == 0)
        {
            groupBy = "class"; // what /api/stats always returned
        }
        else if (groupBy is not ("class" or "zone" or "line"))
        {
            return Problems.BadRequest($"groupBy must be class, zone or line, not '{query["groupBy"]}'");
        }

        var bucketText = query["bucket"].ToString();
        var bucket = TimeSpan.FromSeconds(60);
        if (bucketText.Length > 0 && !QueryValues.TryDuration(bucketText, out bucket))
        {
            return Problems.BadRequest("bucket must be a duration such as 10s, 60s, 5m or 1h");
        }

        if (from > to)
        {
            return Problems.BadRequest("from must not be later than to");
        }

        var count = (long)Math.Ceiling((to - from).Ticks / (double)bucket.Ticks);
        if (count > MaxBuckets)
        {
            return Problems.BadRequest($"bucket: {count} buckets of {bucketText} would be needed for this range; at most {MaxBuckets} are allowed (choose a larger bucket)");
        }

        count = Math.Max(1, count);
        var known = (await registry.ListAsync(context.RequestAborted)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var requested = SubscriptionRequest.SplitList(query["cameras"].ToString());
        foreach (var camera in requested)
        {
            if (!known.Contains(camera))
            {
                return Problems.NotFound($"no camera '{camera}'");
            }
        }

        var cameras = requested.Count > 0 ? requested.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() : [.. known.Order(StringComparer.Ordinal)];
        if (groupBy != "class")
        {
            var scene = new SceneStatsBuilder(groupBy, count);
            foreach (var camera in cameras)
            {
                foreach (var entry in await streams.RangeAsync(camera, from, to, MaxFramesScanned, context.RequestAborted))
                {
                    scene.Add(camera, entry.Frame, Math.Min(count - 1, (entry.Frame.Timestamp - from).Ticks / bucket.Ticks));
                }
            }

            return groupBy == "line" ? TypedResults.Ok(scene.Lines(from, to, bucket, cameras)) : TypedResults.Ok(scene.Zones(from, to, bucket, cameras));
        }

        var frames = new long[count];
        var counts = new Dictionary<string, long>[count];
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            counts[i] = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        foreach (var camera in cameras)
        {
            foreach (var entry in await streams.RangeAsync(camera, from, to, MaxFramesScanned, context.RequestAborted))
            {
                var index = Math.Min(count - 1, (entry.Frame.Timestamp - from).Ticks / bucket.Ticks);
                frames[index]++;
                foreach (var d in entry.Frame.Detections)
                {
                    counts[index][d.Label] = counts[index].GetValueOrDefault(d.Label) + 1;
                    totals[d.Label] = totals.GetValueOrDefault(d.Label) + 1;
                }
            }
        }

        var buckets = new StatsBucket[count];
        for (var i = 0; i < count; i++)
        {
            buckets[i] = new StatsBucket(from + (bucket * i), frames[i], counts[i]);
        }

        return TypedResults.Ok(new DetectionStats
        {
            From = from,
            To = to,
            BucketSeconds = bucket.TotalSeconds,
            Cameras = cameras,
            Totals = totals,
            Buckets = buckets,
        });
    }
}
