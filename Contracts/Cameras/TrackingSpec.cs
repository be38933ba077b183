namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// A camera's own object-tracker thresholds. Each one left null is the silo's (<c>Inference:Tracking:*</c>, whose
/// defaults are ByteTrack's published values plus two measured here: Inference/Tracking/README.md), so a camera names
/// only what it needs different and follows the silo for the rest. The names and meanings are those of the silo's
/// settings; ranges and order are checked by <see cref="TrackingRules"/>.
/// </summary>
/// <remarks>
/// Every member is a scalar, so record equality is value equality: the inference worker compares a camera's edited
/// settings with the ones its tracker runs by <see cref="object.Equals(object)"/>, whatever process the spec came from.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed record TrackingSpec
{
    /// <summary>Detections scoring at least this take part in the first association (0..1).</summary>
    [Id(0)]
    public double? HighScore { get; init; }

    /// <summary>Detections scoring at least this, below <see cref="HighScore"/>, only continue tracks (0..1).</summary>
    [Id(1)]
    public double? LowScore { get; init; }

    /// <summary>An unmatched high detection starts a track only when it scores at least this (0..1).</summary>
    [Id(2)]
    public double? NewTrackScore { get; init; }

    /// <summary>Largest cost 1 − IoU·score at which a confirmed or lost track takes a high detection (0..1).</summary>
    [Id(3)]
    public double? MatchCost { get; init; }

    /// <summary>Largest cost 1 − IoU at which a track takes a low detection (0..1).</summary>
    [Id(4)]
    public double? LowMatchCost { get; init; }

    /// <summary>Largest cost 1 − IoU·score at which a tentative track takes a high detection (0..1).</summary>
    [Id(5)]
    public double? TentativeMatchCost { get; init; }

    /// <summary>Boxes are widened by this fraction of their size on every side before IoU is taken (0..5).</summary>
    [Id(6)]
    public double? BoxBuffer { get; init; }

    /// <summary>Whether lost tracks take part in the low-score association.</summary>
    [Id(7)]
    public bool? LostTakeLowScores { get; init; }

    /// <summary>Frames a lost track is kept at 30 fps, scaled to the camera's fps (1..10000).</summary>
    [Id(8)]
    public int? TrackBuffer { get; init; }

    /// <summary>Consecutive matched frames after which a track is confirmed and gets its id (1..100).</summary>
    [Id(9)]
    public int? ConfirmHits { get; init; }

    /// <summary>True when nothing is set: the camera runs the silo's settings (stored as no tracking object at all). A
    /// method, not a property, so that it is no field of the JSON the API and the registry write.</summary>
    public bool IsEmpty() => this == Empty;

    private static TrackingSpec Empty { get; } = new();
}
