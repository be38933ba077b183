namespace VideoAnalytics.Inference.Models;

/// <summary>
/// Everything the engine needs to feed a RefineDet model and read its outputs. Comes from the ONNX
/// file's <c>va.</c> metadata, a sidecar JSON, or a built-in preset (see models/README.md).
/// </summary>
public sealed record ModelDescription
{
    public required string Name { get; init; }

    /// <summary>Class names indexed by class id; index 0 is the background class.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    public required InputSpec Input { get; init; }

    public required PriorConfig Priors { get; init; }

    public OutputForm OutputForm { get; init; } = OutputForm.Raw;

    /// <summary>True when the raw confidence outputs are logits and need a softmax.</summary>
    public bool ScoresAreLogits { get; init; }

    public int ClassCount => Labels.Count;

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
    }
}
