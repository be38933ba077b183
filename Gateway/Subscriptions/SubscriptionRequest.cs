using System.Globalization;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>Parses the query and headers shared by the SSE and WebSocket subscription routes.</summary>
public static class SubscriptionRequest
{
    /// <summary>The filter from <c>classes</c>, <c>minScore</c> and <c>onlyWithDetections</c>, or an error message.</summary>
    public static (SubscriptionFilter? Filter, string? Error) ParseFilter(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var classes = SplitList(query["classes"].ToString());
        var minScore = 0.0;
        var text = query["minScore"].ToString();
        // Written as "not inside [0, 1]" so that NaN, which compares false with everything, is refused too.
        if (text.Length > 0 && (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out minScore) || !(minScore >= 0 && minScore <= 1)))
        {
            return (null, "minScore must be a number between 0 and 1");
        }

        var only = false;
        text = query["onlyWithDetections"].ToString();
        if (text.Length > 0 && !bool.TryParse(text, out only))
        {
            return (null, "onlyWithDetections must be true or false");
        }

        return (new SubscriptionFilter(classes, minScore, only), null);
    }

    /// <summary>
    /// Where to resume: <c>Last-Event-ID</c> header, else <c>?from=</c>. A single position applies to the only
    /// camera; a composite cursor (<c>a=12,b=40</c>, what multi-camera streams send as ids) maps each camera.
    /// </summary>
    public static Dictionary<string, string?> ResumePoints(HttpRequest request, IReadOnlyList<string> cameras)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(cameras);
        var cursor = request.Headers["Last-Event-ID"].ToString();
        if (cursor.Length == 0)
        {
            cursor = request.Query["from"].ToString();
        }

        var points = cameras.ToDictionary(c => c, _ => (string?)null, StringComparer.Ordinal);
        if (cursor.Length == 0)
        {
            return points;
        }

        if (!cursor.Contains('=', StringComparison.Ordinal))
        {
            if (cameras.Count == 1)
            {
                points[cameras[0]] = cursor;
            }

            return points;
        }

        foreach (var pair in cursor.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && points.ContainsKey(pair[..eq]))
            {
                points[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        return points;
    }

    /// <summary>
    /// Null when every resume point is a position of its stream that the stream has reached; otherwise the error naming
    /// the first that is not: not a position at all (<c>from=abc</c>, <c>-1</c>, <c>1.5</c>: a typo must not silently
    /// start the subscription live), or beyond the newest entry (<c>from=99999999</c>).
    /// </summary>
    /// <remarks>
    /// A position beyond the end is refused rather than waited for: positions are assigned by the store as frames are
    /// appended, so no client can hold one the stream has not reached yet (the gateway delivers a frame only after it
    /// was stored). Such a cursor is a typo or comes from another deployment, or from an in-memory history that a
    /// restart emptied; waiting would skip every frame up to it in silence. Only an empty stream is waited on.
    /// </remarks>
    public static async Task<string?> CheckResumePointsAsync(
        IDetectionStreams streams, Dictionary<string, string?> points, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(request);
        var source = request.Headers.ContainsKey("Last-Event-ID") ? "Last-Event-ID" : "from";
        foreach (var (camera, position) in points)
        {
            if (position is null)
            {
                continue;
            }

            try
            {
                streams.ComparePositions(position, null);
            }
            catch (FormatException)
            {
                return $"{source}: '{position}' is not a position of camera '{camera}''s stream; send an event id the stream sent, or leave it out to start live";
            }

            // An empty stream cannot tell: retention may have deleted everything up to and past the cursor (a camera
            // stopped for a day); the subscription then waits, and a gap event follows if frames were lost.
            var latest = await streams.LatestAsync(camera, cancellationToken);
            if (latest is not null && streams.ComparePositions(position, latest.Position) > 0)
            {
                return $"{source}: '{position}' is beyond the end of camera '{camera}''s stream (its newest position is '{latest.Position}'); "
                    + "send an event id the stream sent, or leave it out to start live";
            }
        }

        return null;
    }

    public static List<string> SplitList(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
