namespace VideoAnalytics.Contracts.Detections;

/// <summary>
/// Frames directly after a position that the stream no longer holds (retention deleted them before a subscriber read
/// them). <see cref="Missed"/> is exact where positions are sequence numbers, null where the store cannot count
/// (Redis ids); <see cref="HistoryStartsAt"/> is the oldest position still held, null when none is.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RetentionGap([property: Id(0)] long? Missed, [property: Id(1)] string? FirstMissed, [property: Id(2)] string? HistoryStartsAt);
