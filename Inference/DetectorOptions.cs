using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Onnx;

namespace VideoAnalytics.Inference;

/// <summary>How a <see cref="RefineDetDetector"/> is set up.</summary>
public sealed record DetectorOptions
{
    public SessionSettings Session { get; init; } = new();

    /// <summary>
    /// Overrides the post-processing of the model's description (its <c>postprocess.*</c> keys); null uses the
    /// model's own. For a fused model only what the engine applies after the graph may differ (a confidence at or
    /// above the graph's, keep-top-k, clipping); a different top-k per class, NMS IoU or objectness is refused,
    /// because the graph fixed those at export.
    /// </summary>
    public DecodeOptions? Decode { get; init; }

    /// <summary>
    /// Overrides the description found in the model file or its sidecar (e.g. a preset from
    /// <see cref="ModelPresets"/> for a model exported elsewhere).
    /// </summary>
    public ModelDescription? Description { get; init; }

    /// <summary>Largest number of frames sent to the model in one run; bigger calls are split.</summary>
    public int MaxBatch { get; init; } = 8;
}
