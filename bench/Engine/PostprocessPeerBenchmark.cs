using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using VideoAnalytics.Bench.Measurement;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Bench.Engine;

/// <summary>Agreement of our detections with the peer's on the same raw tensors.</summary>
public sealed record Agreement(int Ours, int Peer, int Matched, int Mismatches, double MaxAbsDiff, double Tolerance)
{
    public bool Identical => Mismatches == 0 && MaxAbsDiff <= Tolerance;
}

/// <summary>What <see cref="PostprocessPeerBenchmark"/> measured: frames per second of decode + NMS, ours and torch's.</summary>
public sealed record PostprocessResult(int Frames, int Anchors, int Classes, double CandidatesPerFrame, string Peer, Spread OursFps, Spread PeerFps, Agreement Agreement)
{
    public const double Goal = 3.0;

    public Ratio Ratio => Ratio.Of(OursFps, PeerFps, Goal);
}

/// <summary>
/// Our fused decode + NMS (<see cref="RefineDetDecoder"/>, one thread) against a PyTorch/torchvision reference
/// (bench/peers/torch_postprocess_peer.py, one thread) on identical raw tensors: the raw model run by our binding
/// on frames of models/demo.mp4, saved as float32 files with the priors both sides use. Passes over all frames
/// alternate ours/torch's. Agreement: every detection matched one to one (same frame and class, score and box
/// within the tolerance, normalized coordinates) — mismatches count detections either side could not match.
/// </summary>
public static class PostprocessPeerBenchmark
{
    private const double Tolerance = 1e-4;

    public static PostprocessResult Measure(BenchModels models, int frames, int rounds)
    {
        ArgumentNullException.ThrowIfNull(models);
        var directory = BenchPaths.Cache("bench-postprocess");
        var raw = SaveRawOutputs(models, frames, directory, out var description);
        var priors = PriorBoxes.Create(description.Priors, description.Input.Width, description.Input.Height);
        var decoder = new RefineDetDecoder(priors, description.ClassCount, description.Priors.CenterVariance, description.Priors.SizeVariance, DecodeOptions.Default, description.ScoresAreLogits);
        var output = new Detection[DecodeOptions.Default.KeepTopKPerImage];
        var ours = new List<Detection>[frames];
        for (var f = 0; f < frames; f++)
        {
            ours[f] = [];
        }

        var pass = () =>
        {
            var clock = Stopwatch.StartNew();
            for (var f = 0; f < frames; f++)
            {
                raw.Decode(decoder, f, output);
            }

            return clock.Elapsed.TotalSeconds;
        };

        using var torch = PeerProcess.Start("torch post-processing peer", "/usr/bin/python3", [Path.Combine(BenchPaths.Peers, "torch_postprocess_peer.py"), directory], TimeSpan.FromMinutes(3));
        var peer = $"torch {torch.Hello.GetProperty("torch").GetString()} + torchvision {torch.Hello.GetProperty("torchvision").GetString()}";
        pass(); // warm-up: scratch buffers grow to their steady size
        var samples = Interleaved.Rounds(
            rounds,
            () => frames / pass(),
            () => frames / torch.Request(new { op = "run", passes = 1 }, TimeSpan.FromMinutes(3)).GetProperty("seconds").GetDouble());

        for (var f = 0; f < frames; f++)
        {
            var n = raw.Decode(decoder, f, output);
            ours[f].AddRange(output.AsSpan(0, n));
        }

        var dump = Path.Combine(directory, "torch-detections.f32");
        torch.Request(new { op = "dump", path = dump }, TimeSpan.FromMinutes(3));
        var agreement = Compare(ours, ReadRows(dump, frames));
        return new PostprocessResult(frames, priors.Count, description.ClassCount, raw.CandidatesPerFrame(DecodeOptions.Default), peer, Spread.Of(samples[0]), Spread.Of(samples[1]), agreement);
    }

    private static RawOutputs SaveRawOutputs(BenchModels models, int frames, string directory, out Inference.Models.ModelDescription description)
    {
        const int Batch = 8;
        var input = SessionPeerBenchmark.PreprocessedFrames(models, frames, out var height, out var width);
        using (var detector = RefineDetDetector.Load(models.Raw))
        {
            description = detector.Model;
        }

        var priors = PriorBoxes.Create(description.Priors, description.Input.Width, description.Input.Height);
        var p = priors.Count;
        var c = description.ClassCount;
        var raw = new RawOutputs(frames, p, c);
        using var session = OnnxSession.Load(models.Raw);
        var perFrame = 3 * height * width;
        for (var start = 0; start < frames; start += Batch)
        {
            var n = Math.Min(Batch, frames - start);
            using var x = new PinnedTensor(n, 3, height, width);
            input.AsSpan(start * perFrame, n * perFrame).CopyTo(x.Data);
            PinnedTensor[] outputs = new PinnedTensor[session.Outputs.Count];
            try
            {
                for (var i = 0; i < outputs.Length; i++)
                {
                    var shape = session.Outputs[i].Shape.ToArray();
                    shape[0] = n;
                    outputs[i] = new PinnedTensor(shape);
                }

                using (var binding = session.Bind([x], outputs))
                {
                    binding.Run();
                }

                for (var i = 0; i < outputs.Length; i++)
                {
                    var k = Array.IndexOf(RawOutputs.Names, session.Outputs[i].Name);
                    if (k < 0)
                    {
                        throw new InvalidDataException($"{models.Raw}: unexpected output {session.Outputs[i].Name}");
                    }

                    outputs[i].Data.CopyTo(raw.Head(k).AsSpan(start * p * RawOutputs.Width(k, c)));
                }
            }
            finally
            {
                foreach (var t in outputs)
                {
                    t?.Dispose();
                }
            }
        }

        for (var k = 0; k < RawOutputs.Names.Length; k++)
        {
            File.WriteAllBytes(Path.Combine(directory, RawOutputs.Names[k] + ".f32"), MemoryMarshal.AsBytes(raw.Head(k).AsSpan()).ToArray());
        }

        File.WriteAllBytes(Path.Combine(directory, "priors.f32"), MemoryMarshal.AsBytes(priors.CenterForm).ToArray());
        var options = DecodeOptions.Default;
        var manifest = new Dictionary<string, object>
        {
            ["frames"] = frames,
            ["anchors"] = p,
            ["classes"] = c,
            ["center_variance"] = description.Priors.CenterVariance,
            ["size_variance"] = description.Priors.SizeVariance,
            ["objectness_threshold"] = options.ObjectnessThreshold,
            ["confidence_threshold"] = options.ConfidenceThreshold,
            ["nms_iou"] = options.NmsIouThreshold,
            ["top_k_per_class"] = options.TopKPerClass,
            ["keep_top_k_per_image"] = options.KeepTopKPerImage,
        };
        if (description.ScoresAreLogits)
        {
            throw new NotSupportedException("the torch peer expects softmax scores (va.output.scores = softmax), as the project's exporter writes");
        }

        File.WriteAllText(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(manifest));
        return raw;
    }

    private static List<Detection>[] ReadRows(string path, int frames)
    {
        var values = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path));
        var result = new List<Detection>[frames];
        for (var f = 0; f < frames; f++)
        {
            result[f] = [];
        }

        for (var r = 0; r + 7 <= values.Length; r += 7)
        {
            result[(int)values[r]].Add(new Detection((int)values[r + 1], values[r + 2], values[r + 3], values[r + 4], values[r + 5], values[r + 6]));
        }

        return result;
    }

    /// <summary>Greedy one-to-one matching per frame and class: the closest unmatched peer detection within the tolerance.</summary>
    private static Agreement Compare(List<Detection>[] ours, List<Detection>[] peer)
    {
        int oursTotal = 0, peerTotal = 0, matched = 0;
        var maxDiff = 0.0;
        for (var f = 0; f < ours.Length; f++)
        {
            oursTotal += ours[f].Count;
            peerTotal += peer[f].Count;
            var used = new bool[peer[f].Count];
            foreach (var d in ours[f])
            {
                var best = -1;
                var bestDiff = double.MaxValue;
                for (var j = 0; j < peer[f].Count; j++)
                {
                    if (!used[j] && peer[f][j].ClassId == d.ClassId)
                    {
                        var diff = Diff(d, peer[f][j]);
                        if (diff < bestDiff)
                        {
                            best = j;
                            bestDiff = diff;
                        }
                    }
                }

                if (best >= 0 && bestDiff <= Tolerance)
                {
                    used[best] = true;
                    matched++;
                    maxDiff = Math.Max(maxDiff, bestDiff);
                }
            }
        }

        return new Agreement(oursTotal, peerTotal, matched, oursTotal - matched + (peerTotal - matched), maxDiff, Tolerance);
    }

    private static double Diff(Detection a, Detection b) =>
        Math.Max(Math.Abs(a.Score - b.Score), Math.Max(Math.Max(Math.Abs(a.X1 - b.X1), Math.Abs(a.Y1 - b.Y1)), Math.Max(Math.Abs(a.X2 - b.X2), Math.Abs(a.Y2 - b.Y2))));

    /// <summary>The four raw heads of every frame, [frames, anchors, width] each.</summary>
    private sealed class RawOutputs(int frames, int anchors, int classes)
    {
        public static readonly string[] Names = ["arm_loc", "arm_conf", "odm_loc", "odm_conf"];

        private readonly float[][] _heads = [new float[frames * anchors * 4], new float[frames * anchors * 2], new float[frames * anchors * 4], new float[frames * anchors * classes]];

        public static int Width(int head, int classes) => head switch { 0 or 2 => 4, 1 => 2, _ => classes };

        public float[] Head(int k) => _heads[k];

        /// <summary>Decodes frame <paramref name="f"/> in normalized coordinates (a 1x1 "frame"): what the peer writes.</summary>
        public int Decode(RefineDetDecoder decoder, int f, Span<Detection> output) =>
            decoder.Decode(
                Slice(0, f), Slice(1, f), Slice(2, f), Slice(3, f), 1, 1, output);

        /// <summary>(anchor, class) pairs above the thresholds per frame: how much work NMS had.</summary>
        public double CandidatesPerFrame(DecodeOptions options)
        {
            long total = 0;
            for (var f = 0; f < frames; f++)
            {
                var armConf = Slice(1, f);
                var odmConf = Slice(3, f);
                for (var a = 0; a < anchors; a++)
                {
                    if (armConf[(2 * a) + 1] <= options.ObjectnessThreshold)
                    {
                        continue;
                    }

                    for (var k = 1; k < classes; k++)
                    {
                        total += odmConf[(a * classes) + k] > options.ConfidenceThreshold ? 1 : 0;
                    }
                }
            }

            return total / (double)frames;
        }

        private ReadOnlySpan<float> Slice(int head, int f)
        {
            var width = Width(head, classes);
            return _heads[head].AsSpan(f * anchors * width, anchors * width);
        }
    }
}
