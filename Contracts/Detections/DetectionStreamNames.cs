namespace VideoAnalytics.Contracts.Detections;

/// <summary>
/// Where live detections travel in Orleans: the stream provider <see cref="Provider"/>, namespace
/// <see cref="Namespace"/>, one stream per camera keyed by its id, carrying <see cref="LiveDetection"/> items. The
/// stored history (<see cref="IDetectionStreams"/>) has the same frames at the same positions.
/// </summary>
public static class DetectionStreamNames
{
    public const string Provider = "detections";

    public const string Namespace = "detections";
}
