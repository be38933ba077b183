namespace VideoAnalytics.Contracts.Analytics;

/// <summary>
/// What a camera's zones and lines count now: objects in each zone by class, and crossings of each line by direction
/// since the camera's capture started (its epoch; a restart or a move to another silo counts again from 0).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SceneCounts
{
    public static readonly SceneCounts Empty = new();

    /// <summary>Zone name → class → objects inside now; every zone is listed, an empty one with no classes.</summary>
    [Id(0)]
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Occupancy { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, int>>();

    /// <summary>Line name → crossings in each direction.</summary>
    [Id(1)]
    public IReadOnlyDictionary<string, LineCount> Lines { get; init; } = new Dictionary<string, LineCount>();

    // By value, like the rest of a camera's status: a status read back from a store is equal to the one written
    // (records would compare the dictionaries by reference).
    public bool Equals(SceneCounts? other) =>
        other is not null
        && Same(Lines, other.Lines, (a, b) => a == b)
        && Same(Occupancy, other.Occupancy, (a, b) => Same(a, b, (x, y) => x == y));

    public override int GetHashCode() => HashCode.Combine(Occupancy.Count, Lines.Count);

    private static bool Same<T>(IReadOnlyDictionary<string, T> a, IReadOnlyDictionary<string, T> b, Func<T, T, bool> equal) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && equal(pair.Value, value));
}

/// <summary>Crossings of one line: <c>in</c> and <c>out</c> as its orientation defines them (<see cref="LineSpec"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record LineCount([property: Id(0)] long In, [property: Id(1)] long Out);
