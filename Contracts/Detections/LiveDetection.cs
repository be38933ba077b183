namespace VideoAnalytics.Contracts.Detections;

/// <summary>
/// A frame as its camera's detection stream stored it, published live on the Orleans stream
/// (<see cref="DetectionStreamNames"/>): its <see cref="Position"/> and the position the stream held directly before it.
/// A subscriber that has delivered <see cref="Previous"/> may deliver this frame straight away; any other subscriber
/// (it missed a live frame, or is still replaying) reads the stored history up to it instead. <see cref="Previous"/>
/// is null where the publisher cannot vouch for it (the first frame of a camera activation), so nobody skips history
/// on its word.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LiveDetection(
    [property: Id(0)] string Position,
    [property: Id(1)] string? Previous,
    [property: Id(2)] DetectionFrame Frame);
