namespace VideoAnalytics.Contracts.Sinks;

/// <summary>
/// Where a sink stands on one camera's stream: the last position it delivered (its checkpoint) and how far behind the
/// camera's newest frame that is.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SinkCameraStatus
{
    [Id(0)]
    public required string Camera { get; init; }

    /// <summary>The last position delivered (for a new sink: the camera's newest when it started); null while unknown.</summary>
    [Id(1)]
    public string? Checkpoint { get; init; }

    /// <summary>The camera's newest position.</summary>
    [Id(2)]
    public string? Newest { get; init; }

    /// <summary>Frames between the checkpoint and the newest; null where positions are not sequence numbers (Redis ids).</summary>
    [Id(3)]
    public long? LagPositions { get; init; }

    /// <summary>Capture time of the newest frame minus that of the last delivered one; null before the first delivery.</summary>
    [Id(4)]
    public double? LagSeconds { get; init; }

    /// <summary>Retention gaps met: frames retention deleted before the sink delivered them.</summary>
    [Id(5)]
    public long Gaps { get; init; }
}
