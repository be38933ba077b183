namespace VideoAnalytics.Inference.Models;

/// <summary>
/// Everything the engine needs to feed a RefineDet or SSD model, read its outputs and post-process them. Comes
/// from the ONNX file's <c>va.</c> metadata, a sidecar JSON, or a built-in preset (see models/README.md).
/// </summary>
public sealed record ModelDescription
{
    public required string Name { get; init; }

    /// <summary>Class names indexed by class id; index 0 is the background class.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    public required InputSpec Input { get; init; }

    public required PriorConfig Priors { get; init; }

    public ModelArch Arch { get; init; } = ModelArch.RefineDet;

    public OutputForm OutputForm { get; init; } = OutputForm.Raw;

    /// <summary>
    /// Thresholds, top-k limits and clipping. For a raw model the engine applies all of them; for a fused model
    /// the graph already applied top-k per class, objectness and NMS when it was exported, so these must describe
    /// the graph (the engine applies confidence, keep-top-k and clipping again, which can only remove rows).
    /// </summary>
    public DecodeOptions PostProcessing { get; init; } = DecodeOptions.Default;

    /// <summary>True when the raw confidence outputs are logits and need a softmax.</summary>
    public bool ScoresAreLogits { get; init; }

    public int ClassCount => Labels.Count;

    /// <summary>The raw outputs of this model's <see cref="Arch"/>, in the order the decoder takes them.</summary>
    public IReadOnlyList<RawOutput> RawOutputs => Arch == ModelArch.Ssd
        ? [new("loc", 4), new("conf", ClassCount)]
        : [new("arm_loc", 4), new("arm_conf", 2), new("odm_loc", 4), new("odm_conf", ClassCount)];

    /// <summary>The class id of <paramref name="label"/>, or -1 when the model has no such class.</summary>
    public int ClassIdOf(string label)
    {
        for (var i = 1; i < Labels.Count; i++)
        {
            if (string.Equals(Labels[i], label, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new InvalidDataException("name is empty");
        }

        if (Labels.Count < 2)
        {
            throw new InvalidDataException("labels must list the background class and at least one object class");
        }

        Input.Validate();
        Priors.Validate();
        try
        {
            PostProcessing.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"postprocess: {e.Message}", e);
        }
    }
}
