namespace VideoAnalytics.Contracts.Analytics;

/// <summary>A named area of a camera's view: objects whose reference point is inside it are in the zone.</summary>
[GenerateSerializer, Immutable]
public sealed record ZoneSpec
{
    [Id(0)]
    public required string Name { get; init; }

    /// <summary>A simple polygon (3–64 vertices, no self-intersection) in frame coordinates.</summary>
    [Id(1)]
    public required IReadOnlyList<FramePoint> Polygon { get; init; }

    /// <summary>Classes counted in the zone; empty means every class the camera publishes.</summary>
    [Id(2)]
    public IReadOnlyList<string> Classes { get; init; } = [];

    [Id(3)]
    public ReferencePoint Point { get; init; } = ReferencePoint.BottomCenter;

    public bool SameAs(ZoneSpec? other) =>
        other is not null && Name == other.Name && Point == other.Point
        && Polygon.SequenceEqual(other.Polygon) && Classes.SequenceEqual(other.Classes);
}
