namespace VideoAnalytics.Inference;

/// <summary>
/// Post-processing thresholds. The defaults are those of the widely used RefineDet reference implementation;
/// <see cref="Paper"/> gives the paper's top-k settings (400 per class, 200 per image).
/// </summary>
public sealed record DecodeOptions
{
    public static DecodeOptions Default { get; } = new();

    public static DecodeOptions Paper { get; } = new() { TopKPerClass = 400, KeepTopKPerImage = 200 };

    /// <summary>Anchors whose ARM objectness is at or below this are dropped (negative-anchor filtering).</summary>
    public float ObjectnessThreshold { get; init; } = 0.01f;

    /// <summary>Class scores at or below this never become candidates.</summary>
    public float ConfidenceThreshold { get; init; } = 0.01f;

    /// <summary>Two boxes of one class overlapping more than this keep only the higher score.</summary>
    public float NmsIouThreshold { get; init; } = 0.45f;

    /// <summary>Highest-scoring candidates per class that enter NMS.</summary>
    public int TopKPerClass { get; init; } = 1000;

    /// <summary>Highest-scoring detections kept per image after NMS.</summary>
    public int KeepTopKPerImage { get; init; } = 500;

    public void Validate()
    {
        if (ObjectnessThreshold is < 0 or >= 1 || ConfidenceThreshold is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ConfidenceThreshold), "thresholds must be in [0, 1)");
        }

        if (NmsIouThreshold is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NmsIouThreshold), "NMS IoU threshold must be in (0, 1]");
        }

        if (TopKPerClass <= 0 || KeepTopKPerImage <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TopKPerClass), "top-k values must be positive");
        }
    }
}
