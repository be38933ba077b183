namespace VideoAnalytics.Gateway.History;

/// <summary>What GET /api/stats returns: detections per class in fixed time buckets over the chosen cameras.</summary>
public sealed record DetectionStats
{
    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    public required double BucketSeconds { get; init; }

    public required IReadOnlyList<string> Cameras { get; init; }

    /// <summary>Detections per class over the whole range.</summary>
    public required IReadOnlyDictionary<string, long> Totals { get; init; }

    /// <summary>Every bucket of the range, oldest first, empty ones included so charts need no gap filling.</summary>
    public required IReadOnlyList<StatsBucket> Buckets { get; init; }
}
