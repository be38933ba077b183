using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Inference;

/// <summary>
/// End to end through ONNX Runtime on the hand-made models of tools/testmodels/make_tiny_models.py.
/// Priors (16x16 input, one 2x2 map, step 8, size 8, ratios 1,2,1/2): location (0,0) has centre
/// (0.25,0.25), location 2 (row 1, col 0) has centre (0.25,0.75); square side 0.5; ratio-2 anchors
/// 0.7071x0.3536 and 0.3536x0.7071. Every frame here is 100x50 pixels.
/// </summary>
public sealed class TinyModelTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void Raw_model_gives_the_hand_computed_detections()
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-raw.onnx"));
        var results = new DetectionBatch();
        detector.Detect([TestFrames.Uniform(100, 50, 200), TestFrames.Uniform(100, 50, 100)], results);

        Assert.Equal(2, results.FrameCount);
        // Frame 0, mean 200 → class a scores 200/255 on anchor 0.
        // Anchor 0: ARM dx=1 → cx 0.25+0.1·0.5 = 0.30; ODM dy=1 → cy 0.25+0.1·0.5 = 0.30; side 0.5
        //   → (0.05,0.05)-(0.55,0.55) → pixels (5,2.5)-(55,27.5).
        // Anchor 6: class b 0.8, zero offsets → (0,0.5)-(0.5,1.0) → (0,25)-(50,50).
        // Anchor 7: class b 0.6, IoU 0.547 with anchor 6 → suppressed.
        // Anchor 8: class a 0.7, box (0.0732,0.3964)-(0.4268,1.1036) clipped → (7.32,19.82)-(42.68,50).
        // Anchor 3: class b 0.9 but objectness 0.005 ≤ 0.01 → filtered.
        AssertDetections(results[0],
            (2, 0.8f, 0f, 25f, 50f, 50f),
            (1, 200f / 255f, 5f, 2.5f, 55f, 27.5f),
            (1, 0.7f, 7.3223f, 19.8223f, 42.6777f, 50f));
        AssertDetections(results[1],
            (2, 0.8f, 0f, 25f, 50f, 50f),
            (1, 0.7f, 7.3223f, 19.8223f, 42.6777f, 50f),
            (1, 100f / 255f, 5f, 2.5f, 55f, 27.5f));
    }

    [Fact]
    public void Fused_model_gives_the_same_result_type()
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-fused.onnx"));
        Assert.Equal(OutputForm.Fused, detector.Model.OutputForm);
        var results = new DetectionBatch();
        detector.Detect([TestFrames.Uniform(100, 50, 200), TestFrames.Uniform(100, 50, 100)], results);

        AssertDetections(results[0], (2, 0.8f, 0f, 25f, 50f, 50f), (1, 200f / 255f, 5f, 2.5f, 55f, 27.5f));
        AssertDetections(results[1], (2, 0.8f, 0f, 25f, 50f, 50f), (1, 100f / 255f, 5f, 2.5f, 55f, 27.5f));
    }

    [Fact]
    public void Batches_larger_than_max_batch_are_split_and_keep_frame_order()
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-raw.onnx"), new DetectorOptions { MaxBatch = 2 });
        var results = new DetectionBatch();
        byte[] levels = [10, 60, 110, 160, 210];
        var frames = new BgrFrame[levels.Length];
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = TestFrames.Uniform(100, 50, levels[i]);
        }

        detector.Detect(frames, results);

        Assert.Equal(levels.Length, results.FrameCount);
        for (var i = 0; i < levels.Length; i++)
        {
            var scoreA = 0f;
            foreach (var d in results[i])
            {
                if (d.ClassId == 1 && Math.Abs(d.X1 - 5f) < 1e-3f)
                {
                    scoreA = d.Score;
                }
            }

            Assert.Equal(levels[i] / 255f, scoreA, Tolerance);
        }
    }

    [Fact]
    public void Model_without_metadata_is_described_by_its_sidecar()
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-sidecar.onnx"));
        Assert.Equal("tiny-sidecar", detector.Model.Name);
        Assert.Equal(["background", "a", "b"], detector.Model.Labels);
        var results = new DetectionBatch();
        detector.Detect([TestFrames.Uniform(100, 50, 200)], results);
        Assert.Equal(3, results[0].Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(8)]
    public void Steady_state_detect_on_a_raw_model_allocates_nothing(int batch)
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-raw.onnx"));
        var results = new DetectionBatch();
        var frames = new BgrFrame[batch];
        for (var i = 0; i < batch; i++)
        {
            frames[i] = TestFrames.Uniform(100, 50, (byte)(100 + (10 * i)));
        }

        // The first call creates and binds the buffers of this batch size; every later one reuses them.
        Assert.Equal(0, Allocations.SteadyState(() => detector.Detect(frames, results)));
        Assert.Equal(batch, results.FrameCount);
    }

    [Fact]
    public void Steady_state_detect_on_a_fused_model_allocates_per_run_not_per_frame()
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-fused.onnx"));
        var results = new DetectionBatch();
        BgrFrame[] one = [TestFrames.Uniform(100, 50, 200)];
        var eight = Enumerable.Repeat(one[0], 8).ToArray();

        // ORT sizes a fused model's output per run and hands it back as a fresh value: a few small objects per run.
        var single = Allocations.SteadyState(() => detector.Detect(one, results));
        var batch = Allocations.SteadyState(() => detector.Detect(eight, results));
        Assert.True(single < 1024 * 10, $"10 runs of one frame allocated {single} bytes");
        Assert.True(batch <= single, $"10 runs of eight frames allocated {batch} bytes, of one frame {single}");
    }

    private static void AssertDetections(ReadOnlySpan<Detection> actual, params (int ClassId, float Score, float X1, float Y1, float X2, float Y2)[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal(e.ClassId, a.ClassId);
            Assert.Equal(e.Score, a.Score, Tolerance);
            Assert.Equal(e.X1, a.X1, 1e-3f);
            Assert.Equal(e.Y1, a.Y1, 1e-3f);
            Assert.Equal(e.X2, a.X2, 1e-3f);
            Assert.Equal(e.Y2, a.Y2, 1e-3f);
        }
    }
}
