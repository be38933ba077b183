using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using VideoAnalytics.Bench.Measurement;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Bench.Engine;

/// <summary>One batch size: milliseconds per session run, ours and Node's.</summary>
public sealed record SessionRow(int Batch, int CallsPerBlock, Spread OursMs, Spread NodeMs)
{
    public const double Goal = 0.98;

    /// <summary>Throughput ratio: Node's time over ours (above 1 means we are faster).</summary>
    public Ratio Ratio => new(OursMs.Median > 0 ? NodeMs.Median / OursMs.Median : double.NaN, Goal);

    /// <summary>
    /// The same ratio between the fastest blocks: other jobs on a shared machine only ever slow a block down, so the
    /// fastest ones are the least disturbed. Shown beside the median ratio, which stays the figure of record.
    /// </summary>
    public double FastestRatio => OursMs.Min > 0 ? NodeMs.Min / OursMs.Min : double.NaN;
}

/// <summary>What <see cref="SessionPeerBenchmark"/> measured.</summary>
/// <param name="Runtime">The ONNX Runtime version our side ran (the NuGet package's native library).</param>
public sealed record SessionResult(int Threads, string Peer, string Runtime, IReadOnlyList<SessionRow> Rows);

/// <summary>
/// Pure session-run time of the raw model: ONNX Runtime's .NET binding as we use it (<see cref="SessionBinding.Run"/>:
/// an I/O binding over pinned input and output tensors)
/// against onnxruntime-node's <c>session.run</c> (bench/peers/ort_session_peer.js) on the same file, the same
/// input (preprocessed frames of models/demo.mp4, written once to a file the peer reads), batch 1/2/4/8, the
/// same intra-op threads, one inter-op thread. Ours runs the NuGet package's libonnxruntime.so (1.31.1), Node's the one in
/// its npm package (1.30.0): the ratio is the cost of each binding plus whatever the two releases differ by. Each figure is the mean call time of a block of calls; blocks alternate
/// ours/Node's, and the median, min and max are over blocks.
/// </summary>
public static class SessionPeerBenchmark
{
    public static readonly int[] Batches = [1, 2, 4, 8];

    public static SessionResult Measure(BenchModels models, int threads, int rounds, double blockSeconds)
    {
        ArgumentNullException.ThrowIfNull(models);
        var settings = new SessionSettings { IntraOpThreads = threads, InterOpThreads = 1, OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        var input = PreprocessedFrames(models, Batches[^1], out var height, out var width);
        var inputFile = Path.Combine(BenchPaths.Cache("bench-session"), "input.f32");
        File.WriteAllBytes(inputFile, MemoryMarshal.AsBytes(input.AsSpan()).ToArray());

        using var session = OnnxSession.Load(models.Raw, settings);
        using var node = PeerProcess.Start(
            "onnxruntime-node peer",
            "node",
            [Path.Combine(BenchPaths.Peers, "ort_session_peer.js"), models.Raw, inputFile, Text(threads), Text(height), Text(width)],
            TimeSpan.FromMinutes(2));
        var peer = $"onnxruntime-node {node.Hello.GetProperty("onnxruntime").GetString()} on Node {node.Hello.GetProperty("node").GetString()}";

        var rows = new List<SessionRow>();
        foreach (var batch in Batches)
        {
            using var tensors = new RunTensors(session, batch, height, width);
            input.AsSpan(0, tensors.Input.Data.Length).CopyTo(tensors.Input.Data);
            var ours = tensors.Binding.Run;
            ours(); // the first run of a shape plans memory: not part of any figure
            NodeSeconds(node, batch, 1);
            var calls = Interleaved.CallsPerBlock(Interleaved.Time(ours), blockSeconds);
            var samples = Interleaved.Rounds(
                rounds,
                () => Interleaved.Block(ours, calls) * 1000 / calls,
                () => NodeSeconds(node, batch, calls) * 1000 / calls);
            rows.Add(new SessionRow(batch, calls, Spread.Of(samples[0]), Spread.Of(samples[1])));
            Console.WriteLine($"bench: session batch {batch}: ours {rows[^1].OursMs.Show("F2")} ms, node {rows[^1].NodeMs.Show("F2")} ms");
        }

        return new SessionResult(threads, peer, OnnxSession.RuntimeVersion, rows);
    }

    /// <summary>The first <paramref name="count"/> demo frames, spread over the clip, as the model's NCHW input.</summary>
    internal static float[] PreprocessedFrames(BenchModels models, int count, out int height, out int width)
    {
        using var detector = RefineDetDetector.Load(models.Raw);
        var spec = detector.Model.Input;
        var preprocessor = new FramePreprocessor(spec);
        var per = preprocessor.FrameTensorLength;
        var tensor = new float[count * per];
        var frames = BenchMedia.Frames(BenchMedia.Demo, count);
        for (var i = 0; i < count; i++)
        {
            var (pixels, w, h) = frames[i % frames.Count];
            preprocessor.Process(new BgrFrame(pixels, w, h), tensor.AsSpan(i * per, per));
        }

        height = spec.Height;
        width = spec.Width;
        return tensor;
    }


    private static double NodeSeconds(PeerProcess node, int batch, int calls) =>
        node.Request(new { batch, calls }, TimeSpan.FromMinutes(2)).GetProperty("seconds").GetDouble();

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Pinned input and outputs for one batch size, outputs in the session's order, bound to the session.</summary>
    private sealed class RunTensors : IDisposable
    {
        private readonly PinnedTensor[] _outputs;

        public RunTensors(OnnxSession session, int batch, int height, int width)
        {
            Input = new PinnedTensor(batch, 3, height, width);
            _outputs = new PinnedTensor[session.Outputs.Count];
            for (var i = 0; i < _outputs.Length; i++)
            {
                var shape = session.Outputs[i].Shape.ToArray();
                shape[0] = batch;
                _outputs[i] = new PinnedTensor(shape);
            }

            Binding = session.Bind([Input], _outputs);
        }

        public PinnedTensor Input { get; }

        public SessionBinding Binding { get; }

        public void Dispose()
        {
            Binding.Dispose();
            Input.Dispose();
            foreach (var output in _outputs)
            {
                output.Dispose();
            }
        }
    }
}
