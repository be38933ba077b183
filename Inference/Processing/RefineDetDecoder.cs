using System.Numerics;
using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference.Processing;

/// <summary>
/// Turns one image's raw RefineDet head outputs into detections in a single fused pass: negative-anchor
/// filtering on the ARM objectness, score threshold, two-step cascaded box decoding (ARM offsets refine the
/// anchor, ODM offsets decode from the refined anchor) for surviving anchors only, per-class top-k and
/// greedy NMS over one class-sorted candidate array, keep-top-k per image, and mapping to frame pixels.
/// No per-class copy of all anchors is ever made and only candidates above the threshold are sorted.
/// Not thread-safe: it owns scratch buffers that grow to the largest need seen and are then reused.
/// </summary>
public sealed class RefineDetDecoder
{
    private readonly float[] _priors;
    private readonly int _anchorCount;
    private readonly int _classCount;
    private readonly bool _logits;
    private readonly DecodeOptions _options;
    private readonly float _centerVariance;
    private readonly float _sizeVariance;
    private readonly float[] _boxes;      // decoded corners per anchor, filled only for candidate anchors
    private readonly float[] _classRow;   // softmax scratch when the model emits logits
    private Candidate[] _candidates = new Candidate[1024];
    private Candidate[] _kept = new Candidate[256];
    private bool[] _suppressed = new bool[1024];

    public RefineDetDecoder(PriorBoxes priors, int classCount, float centerVariance, float sizeVariance, DecodeOptions options, bool scoresAreLogits = false)
    {
        ArgumentNullException.ThrowIfNull(priors);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        options.Validate();
        _priors = priors.CenterForm.ToArray();
        _anchorCount = priors.Count;
        _classCount = classCount;
        _logits = scoresAreLogits;
        _options = options;
        _centerVariance = centerVariance;
        _sizeVariance = sizeVariance;
        _boxes = new float[_anchorCount * 4];
        _classRow = new float[classCount];
    }

    public int AnchorCount => _anchorCount;

    public int ClassCount => _classCount;

    /// <summary>
    /// Decodes one image. Inputs are that image's slices: ARM loc [P,4], ARM conf [P,2], ODM loc [P,4],
    /// ODM conf [P,C]. Writes at most <see cref="DecodeOptions.KeepTopKPerImage"/> detections, highest score
    /// first, in pixels of a <paramref name="frameWidth"/>×<paramref name="frameHeight"/> frame, clipped to it.
    /// </summary>
    /// <returns>The number of detections written to <paramref name="output"/>.</returns>
    public int Decode(
        ReadOnlySpan<float> armLoc, ReadOnlySpan<float> armConf, ReadOnlySpan<float> odmLoc, ReadOnlySpan<float> odmConf,
        int frameWidth, int frameHeight, Span<Detection> output)
    {
        var p = _anchorCount;
        var c = _classCount;
        if (armLoc.Length < p * 4 || armConf.Length < p * 2 || odmLoc.Length < p * 4 || odmConf.Length < p * c)
        {
            throw new ArgumentException(
                $"raw outputs are too small for {p} anchors and {c} classes (arm_loc {armLoc.Length}, arm_conf {armConf.Length}, odm_loc {odmLoc.Length}, odm_conf {odmConf.Length})");
        }

        var count = CollectCandidates(armLoc, armConf, odmLoc, odmConf);
        var kept = SuppressPerClass(count);
        return WriteOutput(kept, frameWidth, frameHeight, output);
    }

    private int CollectCandidates(ReadOnlySpan<float> armLoc, ReadOnlySpan<float> armConf, ReadOnlySpan<float> odmLoc, ReadOnlySpan<float> odmConf)
    {
        var threshold = _options.ConfidenceThreshold;
        var objectnessThreshold = _options.ObjectnessThreshold;
        var c = _classCount;
        var count = 0;
        for (var a = 0; a < _anchorCount; a++)
        {
            var objectness = _logits ? Sigmoid(armConf[(2 * a) + 1] - armConf[2 * a]) : armConf[(2 * a) + 1];
            if (objectness <= objectnessThreshold)
            {
                continue; // negative-anchor filtering: the ODM never sees this anchor
            }

            ReadOnlySpan<float> row = odmConf.Slice(a * c, c);
            if (_logits)
            {
                Softmax(row, _classRow);
                row = _classRow;
            }

            if (!AnyAbove(row[1..], threshold))
            {
                continue;
            }

            DecodeAnchor(a, armLoc.Slice(a * 4, 4), odmLoc.Slice(a * 4, 4));
            EnsureCapacity(ref _candidates, count + c);
            for (var k = 1; k < c; k++)
            {
                if (row[k] > threshold)
                {
                    _candidates[count++] = new Candidate { Score = row[k], ClassId = k, Anchor = a };
                }
            }
        }

        return count;
    }

    private void DecodeAnchor(int a, ReadOnlySpan<float> arm, ReadOnlySpan<float> odm)
    {
        var prior = _priors.AsSpan(a * 4, 4);
        BoxMath.DecodeCenter(arm, prior[0], prior[1], prior[2], prior[3], _centerVariance, _sizeVariance,
            out var rcx, out var rcy, out var rw, out var rh);
        BoxMath.DecodeCenter(odm, rcx, rcy, rw, rh, _centerVariance, _sizeVariance,
            out var cx, out var cy, out var w, out var h);
        var box = _boxes.AsSpan(a * 4, 4);
        box[0] = cx - (w * 0.5f);
        box[1] = cy - (h * 0.5f);
        box[2] = cx + (w * 0.5f);
        box[3] = cy + (h * 0.5f);
    }

    /// <summary>Sorts candidates into per-class ranked runs, applies top-k and greedy NMS to each run.</summary>
    private int SuppressPerClass(int count)
    {
        var candidates = _candidates.AsSpan(0, count);
        candidates.Sort(Candidate.ByClassThenScore);
        EnsureCapacity(ref _suppressed, Math.Min(count, _options.TopKPerClass));
        var kept = 0;
        var start = 0;
        while (start < count)
        {
            var end = start;
            while (end < count && candidates[end].ClassId == candidates[start].ClassId)
            {
                end++;
            }

            var run = candidates.Slice(start, Math.Min(end - start, _options.TopKPerClass));
            kept = Nms(run, kept);
            start = end;
        }

        return kept;
    }

    private int Nms(ReadOnlySpan<Candidate> run, int kept)
    {
        var suppressed = _suppressed.AsSpan(0, run.Length);
        suppressed.Clear();
        var iouThreshold = _options.NmsIouThreshold;
        var boxes = _boxes;
        for (var i = 0; i < run.Length; i++)
        {
            if (suppressed[i])
            {
                continue;
            }

            EnsureCapacity(ref _kept, kept + 1);
            _kept[kept++] = run[i];
            var bi = run[i].Anchor * 4;
            float x1 = boxes[bi], y1 = boxes[bi + 1], x2 = boxes[bi + 2], y2 = boxes[bi + 3];
            for (var j = i + 1; j < run.Length; j++)
            {
                if (suppressed[j])
                {
                    continue;
                }

                var bj = run[j].Anchor * 4;
                if (BoxMath.IoU(x1, y1, x2, y2, boxes[bj], boxes[bj + 1], boxes[bj + 2], boxes[bj + 3]) > iouThreshold)
                {
                    suppressed[j] = true;
                }
            }
        }

        return kept;
    }

    private int WriteOutput(int kept, int frameWidth, int frameHeight, Span<Detection> output)
    {
        var survivors = _kept.AsSpan(0, kept);
        survivors.Sort(Candidate.ByScore);
        var n = Math.Min(Math.Min(kept, _options.KeepTopKPerImage), output.Length);
        float w = frameWidth, h = frameHeight;
        for (var i = 0; i < n; i++)
        {
            var box = _boxes.AsSpan(survivors[i].Anchor * 4, 4);
            output[i] = new Detection(
                survivors[i].ClassId,
                survivors[i].Score,
                Math.Clamp(box[0] * w, 0f, w),
                Math.Clamp(box[1] * h, 0f, h),
                Math.Clamp(box[2] * w, 0f, w),
                Math.Clamp(box[3] * h, 0f, h));
        }

        return n;
    }

    /// <summary>True when any value exceeds <paramref name="threshold"/>; SIMD over the class row.</summary>
    private static bool AnyAbove(ReadOnlySpan<float> values, float threshold)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var limit = new Vector<float>(threshold);
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            foreach (var v in vectors)
            {
                if (Vector.GreaterThanAny(v, limit))
                {
                    return true;
                }
            }

            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            if (values[i] > threshold)
            {
                return true;
            }
        }

        return false;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits)
        {
            max = MathF.Max(max, v);
        }

        var sum = 0f;
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = MathF.Exp(logits[i] - max);
            sum += probabilities[i];
        }

        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] /= sum;
        }
    }

    private static void EnsureCapacity<T>(ref T[] array, int needed)
    {
        if (needed > array.Length)
        {
            Array.Resize(ref array, Math.Max(needed, array.Length * 2));
        }
    }
}
