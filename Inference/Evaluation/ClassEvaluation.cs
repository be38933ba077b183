namespace VideoAnalytics.Inference.Evaluation;

/// <summary>The evaluation of one class (one label) over the evaluated frames.</summary>
/// <param name="Label">The class name both sides were matched by.</param>
/// <param name="ClassId">The ground truth's class id for the label (the detector's when only it used the label).</param>
/// <param name="GroundTruthCount">Annotated objects, difficult ones excluded.</param>
/// <param name="DifficultCount">Annotated objects flagged difficult (ignored).</param>
/// <param name="DetectionCount">Detections after the score and camera filters, in evaluated frames.</param>
/// <param name="TruePositives">Detections matched at IoU ≥ 0.5 with VOC's rules.</param>
/// <param name="FalsePositives">Detections not matched at IoU ≥ 0.5 (duplicates included); those on difficult objects are neither.</param>
/// <param name="AveragePrecision">The class's AP values.</param>
public sealed record ClassEvaluation(
    string Label,
    int ClassId,
    int GroundTruthCount,
    int DifficultCount,
    int DetectionCount,
    int TruePositives,
    int FalsePositives,
    AveragePrecisions AveragePrecision);
