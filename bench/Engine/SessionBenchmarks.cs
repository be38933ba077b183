using BenchmarkDotNet.Attributes;
using VideoAnalytics.Inference;

namespace VideoAnalytics.Bench.Engine;

/// <summary>
/// Whole detect calls (pre-processing, session run, decode + NMS) on the shipped default model, raw and
/// fused, at batch 1/2/4/8 with 720p frames. Threads: ORT's default (all cores).
/// </summary>
[MemoryDiagnoser]
public class SessionBenchmarks
{
    private RefineDetDetector _detector = null!;
    private BgrFrame[] _frames = [];
    private readonly DetectionBatch _results = new();

    [Params(1, 2, 4, 8)]
    public int Batch { get; set; }

    [Params("refinedet-lite-320.onnx", "refinedet-lite-320-fused.onnx")]
    public string Model { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _detector = RefineDetDetector.Load(BenchPaths.Model(Model));
        var pixels = new byte[1280 * 720 * 3];
        new Random(5).NextBytes(pixels);
        _frames = Enumerable.Repeat(new BgrFrame(pixels, 1280, 720), Batch).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _detector.Dispose();

    [Benchmark]
    public void Detect() => _detector.Detect(_frames, _results);
}
