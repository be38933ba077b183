using System.Numerics;
using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference.Processing;

/// <summary>
/// Turns one image's raw RefineDet head outputs into detections in a single fused pass: negative-anchor
/// filtering on the ARM objectness, score threshold, two-step cascaded box decoding (ARM offsets refine the
/// anchor, ODM offsets decode from the refined anchor) for surviving anchors only, per-class top-k and
/// greedy NMS over one class-sorted candidate array, keep-top-k per image, and mapping to frame pixels.
/// No per-class copy of all anchors is ever made and only candidates above the threshold are sorted.
/// SSD is the same detector without the ARM (its head is RefineDet's ODM applied to the priors), so the
/// single-stage <see cref="Decode(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, Span{Detection})"/> shares
/// everything after candidate collection: one top-k/NMS/keep-top-k implementation for both families.
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
    private float[] _soa = new float[1024 * 5]; // NMS scratch: x1, y1, x2, y2, area of one class run
    private int[] _dead = new int[1024];        // NMS scratch: -1 = suppressed, per lane

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
    /// first, in pixels of a <paramref name="frameWidth"/>×<paramref name="frameHeight"/> frame, clipped to it
    /// unless <see cref="DecodeOptions.ClipBoxes"/> is off.
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

    /// <summary>
    /// Decodes one image of a single-stage (SSD) model: loc [P,4] offsets decoded once against the priors with
    /// the variances, conf [P,C]. No objectness filtering (there is no ARM); otherwise as the two-step overload.
    /// </summary>
    /// <returns>The number of detections written to <paramref name="output"/>.</returns>
    public int Decode(ReadOnlySpan<float> loc, ReadOnlySpan<float> conf, int frameWidth, int frameHeight, Span<Detection> output)
    {
        var p = _anchorCount;
        var c = _classCount;
        if (loc.Length < p * 4 || conf.Length < p * c)
        {
            throw new ArgumentException($"raw outputs are too small for {p} priors and {c} classes (loc {loc.Length}, conf {conf.Length})");
        }

        var count = CollectSingleStageCandidates(loc, conf);
        var kept = SuppressPerClass(count);
        return WriteOutput(kept, frameWidth, frameHeight, output);
    }

    private int CollectSingleStageCandidates(ReadOnlySpan<float> loc, ReadOnlySpan<float> conf)
    {
        var threshold = _options.ConfidenceThreshold;
        var c = _classCount;
        var count = 0;
        for (var a = 0; a < _anchorCount; a++)
        {
            ReadOnlySpan<float> row = conf.Slice(a * c, c);
            if (_logits)
            {
                Softmax(row, _classRow);
                row = _classRow;
            }

            if (!AnyAbove(row[1..], threshold))
            {
                continue;
            }

            DecodePrior(a, loc.Slice(a * 4, 4));
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

    private void DecodePrior(int a, ReadOnlySpan<float> offsets)
    {
        var prior = _priors.AsSpan(a * 4, 4);
        BoxMath.DecodeCenter(offsets, prior[0], prior[1], prior[2], prior[3], _centerVariance, _sizeVariance,
            out var cx, out var cy, out var w, out var h);
        var box = _boxes.AsSpan(a * 4, 4);
        box[0] = cx - (w * 0.5f);
        box[1] = cy - (h * 0.5f);
        box[2] = cx + (w * 0.5f);
        box[3] = cy + (h * 0.5f);
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

    /// <summary>
    /// Greedy NMS over one class's ranked run. The run's boxes are gathered into structure-of-arrays scratch
    /// so that each kept box suppresses the rest of the run eight (AVX2) or sixteen (AVX-512) boxes at a time;
    /// IoU &gt; t is tested as intersection &gt; t·union to avoid a division per pair.
    /// </summary>
    private int Nms(ReadOnlySpan<Candidate> run, int kept)
    {
        var n = run.Length;
        var lanes = Vector<float>.Count;
        var padded = (n + lanes - 1) / lanes * lanes;
        EnsureCapacity(ref _soa, padded * 5);
        EnsureCapacity(ref _dead, padded);
        var x1 = _soa.AsSpan(0, padded);
        var y1 = _soa.AsSpan(padded, padded);
        var x2 = _soa.AsSpan(2 * padded, padded);
        var y2 = _soa.AsSpan(3 * padded, padded);
        var area = _soa.AsSpan(4 * padded, padded);
        var dead = _dead.AsSpan(0, padded);
        dead.Clear();
        for (var i = 0; i < n; i++)
        {
            var b = run[i].Anchor * 4;
            x1[i] = _boxes[b];
            y1[i] = _boxes[b + 1];
            x2[i] = _boxes[b + 2];
            y2[i] = _boxes[b + 3];
            area[i] = (x2[i] - x1[i]) * (y2[i] - y1[i]);
        }

        for (var i = n; i < padded; i++)
        {
            dead[i] = -1; // padding lanes never survive
        }

        var threshold = _options.NmsIouThreshold;
        for (var i = 0; i < n; i++)
        {
            if (dead[i] != 0)
            {
                continue;
            }

            EnsureCapacity(ref _kept, kept + 1);
            _kept[kept++] = run[i];
            SuppressAgainst(i, n, padded, threshold, x1, y1, x2, y2, area, dead);
        }

        return kept;
    }

    private static void SuppressAgainst(
        int i, int n, int padded, float threshold,
        Span<float> x1, Span<float> y1, Span<float> x2, Span<float> y2, Span<float> area, Span<int> dead)
    {
        var lanes = Vector<float>.Count;
        var j = i + 1;
        // Scalar up to the next lane boundary, then whole vectors.
        for (; j < n && j % lanes != 0; j++)
        {
            if (dead[j] == 0 && BoxMath.IoU(x1[i], y1[i], x2[i], y2[i], x1[j], y1[j], x2[j], y2[j]) > threshold)
            {
                dead[j] = -1;
            }
        }

        if (j >= n)
        {
            return;
        }

        var bx1 = new Vector<float>(x1[i]);
        var by1 = new Vector<float>(y1[i]);
        var bx2 = new Vector<float>(x2[i]);
        var by2 = new Vector<float>(y2[i]);
        var barea = new Vector<float>(area[i]);
        var t = new Vector<float>(threshold);
        var vx1 = MemoryMarshal.Cast<float, Vector<float>>(x1);
        var vy1 = MemoryMarshal.Cast<float, Vector<float>>(y1);
        var vx2 = MemoryMarshal.Cast<float, Vector<float>>(x2);
        var vy2 = MemoryMarshal.Cast<float, Vector<float>>(y2);
        var varea = MemoryMarshal.Cast<float, Vector<float>>(area);
        var vdead = MemoryMarshal.Cast<int, Vector<int>>(dead);
        for (var v = j / lanes; v < padded / lanes; v++)
        {
            var iw = Vector.Max(Vector.Min(vx2[v], bx2) - Vector.Max(vx1[v], bx1), Vector<float>.Zero);
            var ih = Vector.Max(Vector.Min(vy2[v], by2) - Vector.Max(vy1[v], by1), Vector<float>.Zero);
            var intersection = iw * ih;
            var union = varea[v] + barea - intersection;
            var overlaps = Vector.GreaterThan(intersection, t * union) & Vector.GreaterThan(intersection, Vector<float>.Zero);
            vdead[v] |= overlaps;
        }
    }

    private int WriteOutput(int kept, int frameWidth, int frameHeight, Span<Detection> output)
    {
        var survivors = _kept.AsSpan(0, kept);
        survivors.Sort(Candidate.ByScore);
        var n = Math.Min(Math.Min(kept, _options.KeepTopKPerImage), output.Length);
        float w = frameWidth, h = frameHeight;
        var clip = _options.ClipBoxes;
        for (var i = 0; i < n; i++)
        {
            var box = _boxes.AsSpan(survivors[i].Anchor * 4, 4);
            output[i] = new Detection(
                survivors[i].ClassId,
                survivors[i].Score,
                Clip(box[0] * w, w, clip),
                Clip(box[1] * h, h, clip),
                Clip(box[2] * w, w, clip),
                Clip(box[3] * h, h, clip));
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

    private static float Clip(float value, float limit, bool clip) => clip ? Math.Clamp(value, 0f, limit) : value;

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
