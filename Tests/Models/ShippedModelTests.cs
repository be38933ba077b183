using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Models;
using Xunit.Abstractions;

namespace VideoAnalytics.Tests.Models;

/// <summary>
/// The shipped default model, raw and fused, on the shipped demo video and the held-out video (a seed never
/// used in training), measured with the project's C# engine and evaluator.
/// </summary>
public sealed class ShippedModelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("refinedet-lite-320", OutputForm.Raw)]
    [InlineData("refinedet-lite-320-fused", OutputForm.Fused)]
    public void Shipped_models_load_with_their_description(string model, OutputForm form)
    {
        using var detector = RefineDetDetector.Load(ShippedModel.RepoFile($"models/{model}.onnx"));
        Assert.Equal(form, detector.Model.OutputForm);
        Assert.Equal(["background", "circle", "square", "triangle", "star", "cross", "ring"], detector.Model.Labels);
        Assert.Equal(6375, detector.AnchorCount);
        Assert.True(new FileInfo(ShippedModel.RepoFile($"models/{model}.onnx")).Length <= 20 * 1024 * 1024);
    }

    [Theory]
    [InlineData("refinedet-lite-320")]
    [InlineData("refinedet-lite-320-fused")]
    public void Demo_video_first_frames_match_ground_truth(string model)
    {
        var result = ShippedModel.Evaluate(model, "demo", frames: 100);
        output.WriteLine(result.ToTable());
        Assert.Equal(100, result.FramesEvaluated);
        Assert.True(result.Mean.Voc >= 0.85, $"{model}: mAP@0.5 on the demo's first 100 frames is {result.Mean.Voc:0.000}, expected ≥ 0.85");
    }

    /// <summary>
    /// Guards the shipped model's measured quality on the held-out video (figures recorded in models/README.md).
    /// The model issue's target is mAP@0.5 ≥ 0.90 and AP@[.5:.95] ≥ 0.60 (the latter met, 0.624); until a longer
    /// training run reaches the former (0.879 now), the floor sits just under what the shipped weights measure, so a regression in the engine
    /// (pre-processing, decoding, NMS) or a worse model fails here.
    /// </summary>
    [Fact]
    public void Held_out_video_stays_at_the_recorded_figures()
    {
        var result = ShippedModel.Evaluate("refinedet-lite-320", "heldout", frames: int.MaxValue);
        output.WriteLine(result.ToTable());
        Assert.Equal(250, result.FramesEvaluated);
        Assert.True(result.Mean.Voc >= HeldOutMap50Floor, $"held-out mAP@0.5 = {result.Mean.Voc:0.000}, expected ≥ {HeldOutMap50Floor}");
        Assert.True(result.Mean.Coco >= HeldOutCocoFloor, $"held-out AP@[.5:.95] = {result.Mean.Coco:0.000}, expected ≥ {HeldOutCocoFloor}");
    }

    private const double HeldOutMap50Floor = 0.86;
    private const double HeldOutCocoFloor = 0.60;
}
