namespace VideoAnalytics.Inference.Evaluation;

/// <summary>One detection the model produced for a frame.</summary>
/// <param name="ClassId">The model's class id; reported only, classes are matched by <paramref name="Label"/>.</param>
/// <param name="Label">Class name, compared ordinally with ground-truth labels.</param>
/// <param name="Score">Confidence used to rank detections; higher is more confident.</param>
/// <param name="Box">Box in frame pixels.</param>
/// <param name="TrackId">The tracker's id for the object (<c>trackId</c>); null for a detection on no confirmed track.</param>
public sealed record DetectedObject(int ClassId, string Label, double Score, PixelBox Box, int? TrackId = null);
