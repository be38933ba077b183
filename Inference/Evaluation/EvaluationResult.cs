using System.Text.Json;

namespace VideoAnalytics.Inference.Evaluation;

/// <summary>The outcome of <see cref="DetectionEvaluator.Evaluate"/>: totals, means and a per-class breakdown.</summary>
/// <param name="Frames">Which ground-truth frames were evaluated.</param>
/// <param name="FramesEvaluated">Ground-truth frames that took part.</param>
/// <param name="GroundTruthFramesWithoutDetections">
/// Ground-truth frames with no detection line: skipped under <see cref="FrameSelection.OnlyDetectedFrames"/>,
/// evaluated (all their objects missed) under <see cref="FrameSelection.AllFrames"/>.
/// </param>
/// <param name="DetectionFramesWithoutGroundTruth">Detection frames (after the camera filter) with no ground truth; ignored.</param>
/// <param name="GroundTruthCount">Non-difficult objects over all classes.</param>
/// <param name="DetectionCount">Detections over all classes.</param>
/// <param name="TruePositives">True positives at IoU ≥ 0.5 over all classes.</param>
/// <param name="FalsePositives">False positives at IoU ≥ 0.5 over all classes.</param>
/// <param name="Mean">Each AP averaged over the classes where it is defined (classes with ground truth).</param>
/// <param name="Classes">Per-class results, ordered by class id then label.</param>
public sealed record EvaluationResult(
    FrameSelection Frames,
    int FramesEvaluated,
    int GroundTruthFramesWithoutDetections,
    int DetectionFramesWithoutGroundTruth,
    int GroundTruthCount,
    int DetectionCount,
    int TruePositives,
    int FalsePositives,
    AveragePrecisions Mean,
    IReadOnlyList<ClassEvaluation> Classes)
{
    /// <summary>A fixed-width text table for a terminal: one row per class, then the mean.</summary>
    public string ToTable() => EvaluationTable.Format(this);

    /// <summary>The result as indented camelCase JSON; undefined APs are <c>null</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, EvaluationJsonContext.Default.EvaluationResult);
}
