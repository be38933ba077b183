using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Evaluation;
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
    /// Raw and fused forms are exported from the same weights and follow one post-processing contract (top 1000 per
    /// class into NMS at IoU 0.45, best 500 per image), so an operator switching forms sees the same detections.
    /// </summary>
    [Fact]
    public void Raw_and_fused_models_give_the_same_detections()
    {
        const int frames = 24;
        var raw = ShippedModel.Detect("refinedet-lite-320", "demo", frames);
        var fused = ShippedModel.Detect("refinedet-lite-320-fused", "demo", frames);
        Assert.Equal(frames, raw.Count);
        Assert.Equal(frames, fused.Count);
        var compared = 0;
        for (var f = 0; f < frames; f++)
        {
            // What an operator sees (score ≥ 0.2) must have a twin in the other form, looked for among all of its
            // detections, so a score a hair either side of 0.2 cannot make the forms disagree. Far below that,
            // float-level differences between the two NMS implementations may legitimately swap near-tied candidates.
            compared += AssertEachShownHasATwin(f, "raw", raw[f].Detections, "fused", fused[f].Detections);
            compared += AssertEachShownHasATwin(f, "fused", fused[f].Detections, "raw", raw[f].Detections);

            // Neither form returns more than the per-image cap.
            Assert.True(raw[f].Detections.Count <= DecodeOptions.Default.KeepTopKPerImage);
            Assert.True(fused[f].Detections.Count <= DecodeOptions.Default.KeepTopKPerImage);
        }

        Assert.True(compared >= 2 * frames, $"only {compared} detections compared over {frames} frames");
    }

    private static int AssertEachShownHasATwin(int frame, string name, IReadOnlyList<DetectedObject> detections, string otherName, IReadOnlyList<DetectedObject> others)
    {
        var shown = 0;
        foreach (var d in detections.Where(d => d.Score >= 0.2))
        {
            var twin = others.Where(o => o.ClassId == d.ClassId).MaxBy(o => PixelBox.IntersectionOverUnion(o.Box, d.Box));
            Assert.True(twin is not null && PixelBox.IntersectionOverUnion(twin.Box, d.Box) > 0.99 && Math.Abs(twin.Score - d.Score) < 1e-3,
                $"frame {frame}: {name} {d.Label} {d.Score:0.000} at {d.Box} has no {otherName} twin");
            shown++;
        }

        return shown;
    }

    /// <summary>
    /// The model issue's targets on the held-out video (a seed never used in training): mAP@0.5 ≥ 0.90 and
    /// AP@[.5:.95] ≥ 0.60. The shipped weights measure 0.951 and 0.729 (models/README.md), so an engine regression
    /// (pre-processing, decoding, NMS) or a worse model fails here. Raw and fused forms alike.
    /// </summary>
    [Theory]
    [InlineData("refinedet-lite-320")]
    [InlineData("refinedet-lite-320-fused")]
    public void Held_out_video_meets_the_targets(string model)
    {
        var result = ShippedModel.Evaluate(model, "heldout", frames: int.MaxValue);
        output.WriteLine(result.ToTable());
        Assert.Equal(250, result.FramesEvaluated);
        Assert.True(result.Mean.Voc >= HeldOutMap50Floor, $"{model}: held-out mAP@0.5 = {result.Mean.Voc:0.000}, expected ≥ {HeldOutMap50Floor}");
        Assert.True(result.Mean.Coco >= HeldOutCocoFloor, $"{model}: held-out AP@[.5:.95] = {result.Mean.Coco:0.000}, expected ≥ {HeldOutCocoFloor}");
    }

    private const double HeldOutMap50Floor = 0.90;
    private const double HeldOutCocoFloor = 0.60;
}
