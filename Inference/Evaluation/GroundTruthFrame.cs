namespace VideoAnalytics.Inference.Evaluation;

/// <summary>The annotated objects of one video frame (one line of a <c>*.gt.jsonl</c> file).</summary>
public sealed record GroundTruthFrame(long FrameIndex, IReadOnlyList<GroundTruthObject> Objects);
