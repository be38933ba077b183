namespace VideoAnalytics.Gateway.History;

/// <summary>
/// A zone's entries and exits, and the mean time the exits had spent in it (<see cref="MeanDwellSeconds"/>; null when
/// nothing left it), per class in <see cref="Classes"/>.
/// </summary>
public sealed record ZoneTally(long Enter, long Exit, double? MeanDwellSeconds, IReadOnlyDictionary<string, ZoneTally>? Classes);
