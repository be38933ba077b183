using System.Runtime.CompilerServices;

namespace VideoAnalytics.Inference.Processing;

/// <summary>Box geometry shared by decoding, NMS and their tests. Areas are continuous: (x2-x1)·(y2-y1).</summary>
public static class BoxMath
{
    /// <summary>
    /// Decodes SSD-style offsets (dx, dy, dw, dh) against an anchor in centre form, writing centre form.
    /// cx' = cx + dx·v₀·w, cy' = cy + dy·v₀·h, w' = w·exp(dw·v₁), h' = h·exp(dh·v₁).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DecodeCenter(
        ReadOnlySpan<float> offsets, float cx, float cy, float w, float h, float centerVariance, float sizeVariance,
        out float outCx, out float outCy, out float outW, out float outH)
    {
        outCx = cx + (offsets[0] * centerVariance * w);
        outCy = cy + (offsets[1] * centerVariance * h);
        outW = w * MathF.Exp(offsets[2] * sizeVariance);
        outH = h * MathF.Exp(offsets[3] * sizeVariance);
    }

    /// <summary>Intersection over union of two corner-form boxes; 0 when either is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float IoU(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2)
    {
        var iw = MathF.Min(ax2, bx2) - MathF.Max(ax1, bx1);
        var ih = MathF.Min(ay2, by2) - MathF.Max(ay1, by1);
        if (iw <= 0 || ih <= 0)
        {
            return 0f;
        }

        var intersection = iw * ih;
        var union = ((ax2 - ax1) * (ay2 - ay1)) + ((bx2 - bx1) * (by2 - by1)) - intersection;
        return union <= 0 ? 0f : intersection / union;
    }
}
