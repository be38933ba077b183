namespace VideoAnalytics.Contracts.Sinks;

/// <summary>A sink's delivery as its grain reports it. <see cref="LastError"/> never carries credentials.</summary>
[GenerateSerializer, Immutable]
public sealed record SinkStatus
{
    [Id(0)]
    public required string Id { get; init; }

    [Id(1)]
    public SinkState State { get; init; } = SinkState.Starting;

    /// <summary>Why the last delivery failed (kept after recovery, with <see cref="LastErrorAt"/>); null when none did.</summary>
    [Id(2)]
    public string? LastError { get; init; }

    [Id(3)]
    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>Messages the receiver took since the sink's activation.</summary>
    [Id(4)]
    public long Delivered { get; init; }

    /// <summary>Failed send attempts since the activation (each is retried).</summary>
    [Id(5)]
    public long Failed { get; init; }

    /// <summary>While retrying: when the next attempt is due.</summary>
    [Id(6)]
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Per camera: checkpoint and lag.</summary>
    [Id(7)]
    public IReadOnlyList<SinkCameraStatus> Cameras { get; init; } = [];

    /// <summary>The silo running the sink; null when none does.</summary>
    [Id(8)]
    public string? Silo { get; init; }

    [Id(9)]
    public DateTimeOffset UpdatedAt { get; init; }
}
