namespace VideoAnalytics.Inference.Models;

/// <summary>
/// Anchor ("prior box") configuration of a RefineDet model: one entry per source layer.
/// Sizes and steps are in network-input pixels.
/// </summary>
public sealed record PriorConfig
{
    public required IReadOnlyList<int> FeatureMaps { get; init; }

    public required IReadOnlyList<int> Steps { get; init; }

    public required IReadOnlyList<float> MinSizes { get; init; }

    /// <summary>Optional; when present each location gets an extra √(min·max) square anchor.</summary>
    public IReadOnlyList<float> MaxSizes { get; init; } = [];

    /// <summary>Per layer; each ratio r adds the anchors (r) and (1/r).</summary>
    public required IReadOnlyList<IReadOnlyList<float>> AspectRatios { get; init; }

    /// <summary>Centre and size variances of the box encoding (0.1, 0.2 in the paper).</summary>
    public float CenterVariance { get; init; } = 0.1f;

    public float SizeVariance { get; init; } = 0.2f;

    public bool Clip { get; init; } = true;

    /// <summary>Anchors per location on layer <paramref name="layer"/>.</summary>
    public int AnchorsPerLocation(int layer) =>
        1 + (MaxSizes.Count > 0 ? 1 : 0) + 2 * AspectRatios[layer].Count;

    /// <summary>Checks the lists agree with each other; the message names the offending key.</summary>
    public void Validate()
    {
        var layers = FeatureMaps.Count;
        if (layers == 0)
        {
            throw new InvalidDataException("priors.feature_maps is empty");
        }

        if (Steps.Count != layers || MinSizes.Count != layers || AspectRatios.Count != layers)
        {
            throw new InvalidDataException(
                $"priors.steps, priors.min_sizes and priors.aspect_ratios must each have {layers} entries (one per feature map)");
        }

        if (MaxSizes.Count != 0 && MaxSizes.Count != layers)
        {
            throw new InvalidDataException($"priors.max_sizes must be empty or have {layers} entries");
        }

        for (var k = 0; k < layers; k++)
        {
            if (FeatureMaps[k] <= 0 || Steps[k] <= 0 || MinSizes[k] <= 0)
            {
                throw new InvalidDataException($"priors layer {k}: feature map, step and min size must be positive");
            }

            foreach (var r in AspectRatios[k])
            {
                if (!(r > 0))
                {
                    throw new InvalidDataException($"priors.aspect_ratios layer {k}: ratios must be positive");
                }
            }
        }

        if (!(CenterVariance > 0) || !(SizeVariance > 0))
        {
            throw new InvalidDataException("priors.variance must be two positive numbers");
        }
    }
}
