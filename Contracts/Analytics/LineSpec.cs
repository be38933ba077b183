namespace VideoAnalytics.Contracts.Analytics;

/// <summary>
/// A named counting line, a segment from <see cref="From"/> to <see cref="To"/>. Its orientation names the
/// directions: facing from <c>from</c> towards <c>to</c> on the picture, an object that crosses from the left-hand
/// side to the right-hand side goes <c>in</c>, the other way <c>out</c>. So a line drawn left to right counts
/// downward crossings as <c>in</c>; drawn right to left, upward ones.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LineSpec
{
    [Id(0)]
    public required string Name { get; init; }

    [Id(1)]
    public required FramePoint From { get; init; }

    [Id(2)]
    public required FramePoint To { get; init; }

    /// <summary>Classes counted on the line; empty means every class the camera publishes.</summary>
    [Id(3)]
    public IReadOnlyList<string> Classes { get; init; } = [];

    [Id(4)]
    public ReferencePoint Point { get; init; } = ReferencePoint.BottomCenter;

    public bool SameAs(LineSpec? other) =>
        other is not null && Name == other.Name && From == other.From && To == other.To && Point == other.Point
        && Classes.SequenceEqual(other.Classes);
}
