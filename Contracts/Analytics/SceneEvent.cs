namespace VideoAnalytics.Contracts.Analytics;

/// <summary>
/// Something a tracked object did in a camera's scene: entered or left a zone, or crossed a counting line. Carries the
/// frame it was seen in (camera, epoch, frame index, capture time), so a receiver can find the frame in the history.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SceneEvent
{
    public const string ZoneEnter = "zone.enter";
    public const string ZoneExit = "zone.exit";
    public const string LineCross = "line.cross";

    /// <summary><see cref="ZoneEnter"/>, <see cref="ZoneExit"/> or <see cref="LineCross"/>.</summary>
    [Id(0)]
    public required string Type { get; init; }

    [Id(1)]
    public required string CameraId { get; init; }

    /// <summary>The zone's name (zone events) or the line's (line crossings).</summary>
    [Id(2)]
    public required string Name { get; init; }

    [Id(3)]
    public int TrackId { get; init; }

    [Id(4)]
    public required string Label { get; init; }

    /// <summary>The capture time of the frame the event was seen in (for an exit of an object no longer seen: of the
    /// frame it was last seen in).</summary>
    [Id(5)]
    public DateTimeOffset At { get; init; }

    [Id(6)]
    public long Epoch { get; init; }

    [Id(7)]
    public long FrameIndex { get; init; }

    /// <summary>Line crossings: <c>in</c> or <c>out</c> (see <see cref="LineSpec"/>).</summary>
    [Id(8)]
    public string? Direction { get; init; }

    /// <summary>Zone exits: how long the object was in the zone.</summary>
    [Id(9)]
    public double? DwellSeconds { get; init; }
}
