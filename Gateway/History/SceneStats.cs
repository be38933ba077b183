namespace VideoAnalytics.Gateway.History;

/// <summary>
/// What GET /api/stats returns with <c>groupBy=line</c> (<see cref="LineTally"/>) or <c>groupBy=zone</c>
/// (<see cref="ZoneTally"/>): the scene events stored in the chosen cameras' frames, per zone or line per time bucket.
/// Keys are <c>camera/name</c> (ids and zone or line names cannot hold a <c>/</c>), since names are per camera.
/// </summary>
public sealed record SceneStats<TTally>
{
    /// <summary><c>line</c> or <c>zone</c>.</summary>
    public required string GroupBy { get; init; }

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    public required double BucketSeconds { get; init; }

    public required IReadOnlyList<string> Cameras { get; init; }

    /// <summary>Per zone or line over the whole range.</summary>
    public required IReadOnlyDictionary<string, TTally> Totals { get; init; }

    /// <summary>Every bucket of the range, oldest first, empty ones included.</summary>
    public required IReadOnlyList<SceneStatsBucket<TTally>> Buckets { get; init; }
}
