namespace VideoAnalytics.Inference.Evaluation;

/// <summary>What to evaluate; the defaults follow VOC and COCO.</summary>
public sealed record EvaluationOptions
{
    public static EvaluationOptions Default { get; } = new();

    /// <summary>When set, only detection frames from this camera are used (ordinal match); others are dropped.</summary>
    public string? CameraId { get; init; }

    /// <summary>Detections scoring below this are dropped before matching. 0 keeps everything.</summary>
    public double MinScore { get; init; }

    public FrameSelection Frames { get; init; } = FrameSelection.OnlyDetectedFrames;

    /// <summary>
    /// COCO keeps at most this many detections per frame and class, the highest scoring (pycocotools'
    /// <c>maxDets</c>, 100 for the headline numbers). VOC metrics use every detection.
    /// </summary>
    public int MaxDetectionsPerFrame { get; init; } = 100;

    internal void Validate()
    {
        if (!double.IsFinite(MinScore))
        {
            throw new ArgumentOutOfRangeException(nameof(MinScore), MinScore, "MinScore must be a finite number.");
        }

        if (MaxDetectionsPerFrame < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDetectionsPerFrame), MaxDetectionsPerFrame, "MaxDetectionsPerFrame must be at least 1.");
        }
    }
}
