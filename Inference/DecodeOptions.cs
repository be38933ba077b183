namespace VideoAnalytics.Inference;

/// <summary>
/// Post-processing of one model: thresholds, top-k limits and box clipping. A model carries its own in its
/// description (<c>postprocess.*</c> keys, models/README.md); the defaults are those of the widely used RefineDet
/// reference implementation. <see cref="Paper"/> gives the paper's top-k settings (400 per class, 200 per image).
/// </summary>
public sealed record DecodeOptions
{
    public static DecodeOptions Default { get; } = new();

    public static DecodeOptions Paper { get; } = new() { TopKPerClass = 400, KeepTopKPerImage = 200 };

    /// <summary>Anchors whose ARM objectness is at or below this are dropped (negative-anchor filtering; RefineDet only).</summary>
    public float ObjectnessThreshold { get; init; } = 0.01f;

    /// <summary>Class scores at or below this never become candidates.</summary>
    public float ConfidenceThreshold { get; init; } = 0.01f;

    /// <summary>Two boxes of one class overlapping more than this keep only the higher score.</summary>
    public float NmsIouThreshold { get; init; } = 0.45f;

    /// <summary>Highest-scoring candidates per class that enter NMS.</summary>
    public int TopKPerClass { get; init; } = 1000;

    /// <summary>Highest-scoring detections kept per image after NMS.</summary>
    public int KeepTopKPerImage { get; init; } = 500;

    /// <summary>
    /// Whether output boxes are clamped to the frame. NMS always sees the unclipped decoded boxes (as the reference
    /// Detect layers do); clipping applies to what is reported.
    /// </summary>
    public bool ClipBoxes { get; init; } = true;

    public void Validate()
    {
        if (ObjectnessThreshold is < 0 or >= 1 || float.IsNaN(ObjectnessThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(ObjectnessThreshold), ObjectnessThreshold, "the objectness threshold must be in [0, 1)");
        }

        if (ConfidenceThreshold is < 0 or >= 1 || float.IsNaN(ConfidenceThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(ConfidenceThreshold), ConfidenceThreshold, "the confidence threshold must be in [0, 1)");
        }

        if (NmsIouThreshold is <= 0 or > 1 || float.IsNaN(NmsIouThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(NmsIouThreshold), NmsIouThreshold, "the NMS IoU threshold must be in (0, 1]");
        }

        if (TopKPerClass <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TopKPerClass), TopKPerClass, "top-k per class must be positive");
        }

        if (KeepTopKPerImage <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(KeepTopKPerImage), KeepTopKPerImage, "keep-top-k per image must be positive");
        }
    }
}
