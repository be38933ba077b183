namespace VideoAnalytics.Gateway.History;

/// <summary>A counting line's crossings by direction (<c>in</c>, <c>out</c>), and per class in <see cref="Classes"/>.</summary>
public sealed record LineTally(long In, long Out, IReadOnlyDictionary<string, LineTally>? Classes);
