using VideoAnalytics.Inference.Evaluation;
using Xunit.Abstractions;

namespace VideoAnalytics.Tests.Models;

/// <summary>
/// Tracking with the shipped model at the default camera rate (5 fps of a 25 fps file: every fifth frame), the
/// tracker's default settings, scored by our CLEAR-MOT/IDF1 evaluator against the videos' ground-truth identities.
/// The tracking issue's targets on the held-out video are MOTA ≥ 0.85 and IDF1 ≥ 0.80; the floors asserted here sit
/// just below what was measured (models/README.md), so a worse tracker, detector or engine fails.
/// </summary>
public sealed class ShippedTrackingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("heldout", 50, 0.85, 0.89)]
    [InlineData("demo", 125, 0.84, 0.84)]
    public void Tracks_the_shipped_videos_at_the_measured_floor(string video, int frames, double motaFloor, double idf1Floor)
    {
        var tracked = ShippedTracking.Track("refinedet-lite-320", video, step: 5, fps: 5);
        var truth = EvaluationInputReader.ReadGroundTruth(ShippedModel.RepoFile($"models/{video}.gt.jsonl"));
        var result = TrackingEvaluator.Evaluate(truth, tracked);
        output.WriteLine(result.ToTable());
        Assert.Equal(frames, result.FramesEvaluated);
        Assert.True(result.Mota >= motaFloor, $"{video}: MOTA = {result.Mota:0.000}, expected ≥ {motaFloor}");
        Assert.True(result.Idf1 >= idf1Floor, $"{video}: IDF1 = {result.Idf1:0.000}, expected ≥ {idf1Floor}");
    }
}
