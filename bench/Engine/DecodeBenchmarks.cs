using BenchmarkDotNet.Attributes;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Bench.Engine;

/// <summary>
/// Decode + NMS for one image of RefineDet320 (6375 anchors) and RefineDet512 (16320) with 21 classes.
/// Scores follow what a trained detector emits: most anchors are confidently background (ARM objectness
/// well below 0.01 for ~70 %), a few percent carry an object with one dominant class, and clusters of
/// neighbouring anchors fire on the same objects so NMS has real work.
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private float[] _armLoc = [];
    private float[] _armConf = [];
    private float[] _odmLoc = [];
    private float[] _odmConf = [];
    private RefineDetDecoder _decoder = null!;
    private readonly Detection[] _output = new Detection[500];

    [Params(320, 512)]
    public int InputSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = InputSize == 320 ? ModelPresets.RefineDet320 : ModelPresets.RefineDet512;
        var priors = PriorBoxes.Create(model.Priors, InputSize, InputSize);
        (_armLoc, _armConf, _odmLoc, _odmConf) = RealisticHeads.Create(priors.Count, model.ClassCount, seed: 7);
        _decoder = new RefineDetDecoder(priors, model.ClassCount, 0.1f, 0.2f, DecodeOptions.Default);
    }

    [Benchmark]
    public int DecodeAndNms() => _decoder.Decode(_armLoc, _armConf, _odmLoc, _odmConf, 1920, 1080, _output);
}
