using VideoAnalytics.Bench.Measurement;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Onnx;

namespace VideoAnalytics.Bench.Engine;

/// <summary>One batch size: frames per second through the raw model + C# decode and NMS, and through the fused model.</summary>
public sealed record EngineRow(int Batch, int CallsPerBlock, Spread RawFps, Spread FusedFps)
{
    /// <summary>Fused over raw throughput (above 1: post-processing in the graph is faster).</summary>
    public double FusedOverRaw => RawFps.Median > 0 ? FusedFps.Median / RawFps.Median : double.NaN;
}

/// <summary>What <see cref="EngineBenchmark"/> measured.</summary>
public sealed record EngineResult(int Threads, int FrameWidth, int FrameHeight, IReadOnlyList<EngineRow> Rows);

/// <summary>
/// Whole <see cref="RefineDetDetector.Detect"/> calls (pre-processing, session run, post-processing) at batch
/// 1/2/4/8 on frames of the camera clip the pipeline section uses: the raw model with our C# decode + NMS against
/// the fused model whose graph decodes and runs NMS itself. Blocks alternate raw/fused.
/// </summary>
public static class EngineBenchmark
{
    public static EngineResult Measure(BenchModels models, int threads, int rounds, double blockSeconds)
    {
        ArgumentNullException.ThrowIfNull(models);
        var options = new DetectorOptions { Session = new SessionSettings { IntraOpThreads = threads, InterOpThreads = 1 }, MaxBatch = 8 };
        using var raw = RefineDetDetector.Load(models.Raw, options);
        using var fused = RefineDetDetector.Load(models.Fused, options);
        var decoded = BenchMedia.Frames(BenchMedia.Camera360p, SessionPeerBenchmark.Batches[^1]);
        var frames = decoded.ConvertAll(f => new BgrFrame(f.Pixels, f.Width, f.Height)).ToArray();
        var results = new DetectionBatch();
        var rows = new List<EngineRow>();
        foreach (var batch in SessionPeerBenchmark.Batches)
        {
            var slice = frames.AsMemory(0, batch);
            var runRaw = () => raw.Detect(slice.Span, results);
            var runFused = () => fused.Detect(slice.Span, results);
            runRaw(); // first run of a batch size: buffers and memory planning
            runFused();
            var calls = Interleaved.CallsPerBlock(Interleaved.Time(runRaw), blockSeconds);
            var samples = Interleaved.Rounds(rounds, () => batch * calls / Interleaved.Block(runRaw, calls), () => batch * calls / Interleaved.Block(runFused, calls));
            rows.Add(new EngineRow(batch, calls, Spread.Of(samples[0]), Spread.Of(samples[1])));
            Console.WriteLine($"bench: engine batch {batch}: raw {rows[^1].RawFps.Show()} fps, fused {rows[^1].FusedFps.Show()} fps");
        }

        return new EngineResult(threads, frames[0].Width, frames[0].Height, rows);
    }

}
