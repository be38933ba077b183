namespace VideoAnalytics.Contracts.Detections;

/// <summary>
/// Where an appended frame landed: its <see cref="Position"/>, and the position the stream held directly before it
/// (whether or not that entry is still retained), or null where the store cannot tell (nothing held before it).
/// </summary>
public sealed record StreamAppend(string Position, string? Previous);
