namespace VideoAnalytics.Inference.Evaluation;

/// <summary>
/// The AP family for one class, or their means over classes. A value is null where it is undefined: the
/// class has no (non-difficult) ground truth, or, for the area splits, none within that area range.
/// </summary>
/// <param name="Voc">VOC2010+ AP at IoU ≥ 0.5, all-point interpolation (area under the precision envelope).</param>
/// <param name="Voc07">VOC2007 AP at IoU ≥ 0.5, mean of the precision envelope at recall 0, 0.1, …, 1.</param>
/// <param name="Coco">COCO AP@[.5:.95]: 101-point AP averaged over IoU thresholds 0.50, 0.55, …, 0.95.</param>
/// <param name="Coco50">COCO-style AP at IoU 0.50 (101-point, at most MaxDetectionsPerFrame detections).</param>
/// <param name="Coco75">COCO-style AP at IoU 0.75.</param>
/// <param name="CocoSmall">AP@[.5:.95] for ground truth of area ≤ 32² px.</param>
/// <param name="CocoMedium">AP@[.5:.95] for ground truth of area 32²–96² px.</param>
/// <param name="CocoLarge">AP@[.5:.95] for ground truth of area ≥ 96² px.</param>
public sealed record AveragePrecisions(
    double? Voc,
    double? Voc07,
    double? Coco,
    double? Coco50,
    double? Coco75,
    double? CocoSmall,
    double? CocoMedium,
    double? CocoLarge);
