namespace VideoAnalytics.Gateway.History;

/// <summary>One time bucket: frames analysed in it and, per zone or line (<c>camera/name</c>) that saw events, its tally.</summary>
public sealed record SceneStatsBucket<TTally>(DateTimeOffset Start, long Frames, IReadOnlyDictionary<string, TTally> Counts);
