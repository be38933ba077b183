using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Onnx;

namespace VideoAnalytics.Inference;

/// <summary>How a <see cref="RefineDetDetector"/> is set up.</summary>
public sealed record DetectorOptions
{
    public SessionSettings Session { get; init; } = new();

    public DecodeOptions Decode { get; init; } = DecodeOptions.Default;

    /// <summary>
    /// Overrides the description found in the model file or its sidecar (e.g. a preset from
    /// <see cref="ModelPresets"/> for a model exported elsewhere).
    /// </summary>
    public ModelDescription? Description { get; init; }

    /// <summary>Largest number of frames sent to the model in one run; bigger calls are split.</summary>
    public int MaxBatch { get; init; } = 8;
}
