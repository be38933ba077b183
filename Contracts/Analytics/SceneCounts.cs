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
}

/// <summary>Crossings of one line: <c>in</c> and <c>out</c> as its orientation defines them (<see cref="LineSpec"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record LineCount([property: Id(0)] long In, [property: Id(1)] long Out);
