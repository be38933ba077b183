using BenchmarkDotNet.Attributes;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Bench.Engine;

/// <summary>Pre-processing of a 1920×1080 BGR frame into RefineDet320's normalized NCHW input.</summary>
[MemoryDiagnoser]
public class PreprocessBenchmarks
{
    private readonly FramePreprocessor _processor = new(ModelPresets.RefineDet320.Input);
    private readonly float[] _tensor = new float[3 * 320 * 320];
    private BgrFrame _frame;

    [GlobalSetup]
    public void Setup()
    {
        var pixels = new byte[1920 * 1080 * 3];
        new Random(3).NextBytes(pixels);
        _frame = new BgrFrame(pixels, 1920, 1080);
    }

    [Benchmark]
    public void Preprocess1080p() => _processor.Process(_frame, _tensor);
}
