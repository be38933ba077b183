namespace VideoAnalytics.Inference.Evaluation;

/// <summary>The detections of one frame (one DetectionFrame line of a recording).</summary>
/// <param name="CameraId">Camera that produced the frame; null when the recording did not say.</param>
/// <param name="FrameIndex">Index of the frame in the source video, matched against ground truth.</param>
/// <param name="Detections">Everything the model reported for the frame (an empty list is a frame with no detections).</param>
public sealed record DetectedFrame(string? CameraId, long FrameIndex, IReadOnlyList<DetectedObject> Detections);
