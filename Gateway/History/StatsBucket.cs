namespace VideoAnalytics.Gateway.History;

/// <summary>One time bucket: frames analysed in it and detections per class.</summary>
public sealed record StatsBucket(DateTimeOffset Start, long Frames, IReadOnlyDictionary<string, long> Counts);
