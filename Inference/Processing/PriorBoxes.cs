using VideoAnalytics.Inference.Models;

namespace VideoAnalytics.Inference.Processing;

/// <summary>
/// The anchors of a RefineDet model in centre form (cx, cy, w, h), normalized to the network input, in the
/// order the heads emit them: layer by layer, row-major over each feature map, then per location the square
/// <c>min_size</c> anchor, the optional √(min·max) anchor, and for each aspect ratio r the anchors r and 1/r.
/// This is the reference implementation's PriorBox order, so raw head outputs line up anchor for anchor.
/// </summary>
public sealed class PriorBoxes
{
    private readonly float[] _boxes;

    private PriorBoxes(float[] boxes) => _boxes = boxes;

    public int Count => _boxes.Length / 4;

    /// <summary>Interleaved cx, cy, w, h per anchor; length <c>4 * Count</c>.</summary>
    public ReadOnlySpan<float> CenterForm => _boxes;

    public static PriorBoxes Create(PriorConfig config, int inputWidth, int inputHeight)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var count = 0;
        for (var k = 0; k < config.FeatureMaps.Count; k++)
        {
            count += config.FeatureMaps[k] * config.FeatureMaps[k] * config.AnchorsPerLocation(k);
        }

        var boxes = new float[count * 4];
        var n = 0;
        for (var k = 0; k < config.FeatureMaps.Count; k++)
        {
            var f = config.FeatureMaps[k];
            var step = config.Steps[k];
            // Computed in double and rounded once, so coordinates match the reference bit for bit in float32.
            double sw = config.MinSizes[k] / (double)inputWidth;
            double sh = config.MinSizes[k] / (double)inputHeight;
            for (var i = 0; i < f; i++)
            {
                for (var j = 0; j < f; j++)
                {
                    var cx = (j + 0.5) * step / inputWidth;
                    var cy = (i + 0.5) * step / inputHeight;
                    Add(boxes, ref n, cx, cy, sw, sh, config.Clip);
                    if (config.MaxSizes.Count > 0)
                    {
                        var primeW = Math.Sqrt(sw * (config.MaxSizes[k] / (double)inputWidth));
                        var primeH = Math.Sqrt(sh * (config.MaxSizes[k] / (double)inputHeight));
                        Add(boxes, ref n, cx, cy, primeW, primeH, config.Clip);
                    }

                    foreach (var ratio in config.AspectRatios[k])
                    {
                        var root = Math.Sqrt(ratio);
                        Add(boxes, ref n, cx, cy, sw * root, sh / root, config.Clip);
                        Add(boxes, ref n, cx, cy, sw / root, sh * root, config.Clip);
                    }
                }
            }
        }

        return new PriorBoxes(boxes);
    }

    private static void Add(float[] boxes, ref int n, double cx, double cy, double w, double h, bool clip)
    {
        // The reference clamps each centre-form value to [0, 1] (not the corners).
        boxes[n++] = (float)(clip ? Math.Clamp(cx, 0, 1) : cx);
        boxes[n++] = (float)(clip ? Math.Clamp(cy, 0, 1) : cy);
        boxes[n++] = (float)(clip ? Math.Clamp(w, 0, 1) : w);
        boxes[n++] = (float)(clip ? Math.Clamp(h, 0, 1) : h);
    }
}
