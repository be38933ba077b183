using VideoAnalytics.Inference.Evaluation;

namespace VideoAnalytics.Tests.Inference.Evaluation;

/// <summary>Short builders so each test's frames read like the situation they describe.</summary>
internal static class EvaluationData
{
    public const double Tolerance = 1e-12;

    public static PixelBox Box(double x1, double y1, double x2, double y2) => new(x1, y1, x2, y2);

    public static GroundTruthObject Truth(string label, PixelBox box, bool difficult = false) => new(1, label, box, difficult);

    public static DetectedObject Found(string label, double score, PixelBox box) => new(1, label, score, box);

    public static GroundTruthFrame TruthFrame(long frameIndex, params GroundTruthObject[] objects) => new(frameIndex, objects);

    public static DetectedFrame DetectedFrame(long frameIndex, params DetectedObject[] detections) => new("demo", frameIndex, detections);

    public static ClassEvaluation ClassNamed(EvaluationResult result, string label) => result.Classes.Single(c => c.Label == label);
}
