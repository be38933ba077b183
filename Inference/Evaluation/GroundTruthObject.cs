namespace VideoAnalytics.Inference.Evaluation;

/// <summary>One annotated object of a ground-truth frame.</summary>
/// <param name="ClassId">The annotation's class id; reported, but classes are matched by <paramref name="Label"/>.</param>
/// <param name="Label">Class name; detections count for this object only when their label is equal (ordinal).</param>
/// <param name="Box">Tight box in frame pixels.</param>
/// <param name="Difficult">
/// VOC's "difficult" flag: the object is not required to be found. A detection matching it is neither a
/// true nor a false positive, and missing it is not a miss (COCO metrics treat it as an ignored region).
/// </param>
/// <param name="Id">The object's identity across the video's frames (tracking ground truth); null when not annotated.</param>
public sealed record GroundTruthObject(int ClassId, string Label, PixelBox Box, bool Difficult = false, int? Id = null);
