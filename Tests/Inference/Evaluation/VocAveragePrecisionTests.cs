using VideoAnalytics.Inference.Evaluation;
using static VideoAnalytics.Tests.Inference.Evaluation.EvaluationData;

namespace VideoAnalytics.Tests.Inference.Evaluation;

public sealed class VocAveragePrecisionTests
{
    private static readonly PixelBox A = Box(0, 0, 100, 100);
    private static readonly PixelBox B = Box(200, 0, 300, 100);
    private static readonly PixelBox Nowhere = Box(500, 500, 600, 600);

    [Fact]
    public void All_point_and_eleven_point_differ_as_computed_by_hand()
    {
        // Two objects (A in frame 0, B in frame 1). Ranked detections across frames:
        //   0.9 hits A, 0.8 hits nothing, 0.7 hits B.
        // recall    = 1/2, 1/2, 1      precision = 1, 1/2, 2/3
        // envelope (best precision at recall ≥ r) = 1, 2/3, 2/3
        // All-point: (1/2 − 0)·1 + (1/2 − 1/2)·2/3 + (1 − 1/2)·2/3 = 1/2 + 1/3 = 5/6 ≈ 0.8333
        // 11-point: r = 0 … 0.5 (6 points) → 1; r = 0.6 … 1.0 (5 points) → 2/3
        //           (6 + 10/3) / 11 = 28/33 ≈ 0.8485
        // COCO 101-point (IoUs are 1 or 0, so every threshold agrees): r = 0 … 0.50 (51 points) → 1;
        //           r = 0.51 … 1.00 (50 points) → 2/3; (51 + 100/3) / 101 = 253/303 ≈ 0.8350
        var truth = new[] { TruthFrame(0, Truth("circle", A)), TruthFrame(1, Truth("circle", B)) };
        var detections = new[]
        {
            DetectedFrame(0, Found("circle", 0.9, A)),
            DetectedFrame(1, Found("circle", 0.8, Nowhere), Found("circle", 0.7, B)),
        };

        var result = DetectionEvaluator.Evaluate(truth, detections);

        var circle = ClassNamed(result, "circle");
        Assert.Equal(5.0 / 6.0, circle.AveragePrecision.Voc!.Value, Tolerance);
        Assert.Equal(28.0 / 33.0, circle.AveragePrecision.Voc07!.Value, Tolerance);
        Assert.Equal(253.0 / 303.0, circle.AveragePrecision.Coco50!.Value, Tolerance);
        Assert.Equal(253.0 / 303.0, circle.AveragePrecision.Coco!.Value, Tolerance);
        Assert.Equal((2, 1, 2, 3), (circle.TruePositives, circle.FalsePositives, circle.GroundTruthCount, circle.DetectionCount));
    }

    [Fact]
    public void Perfect_detections_score_one_on_every_defined_metric()
    {
        var truth = new[]
        {
            TruthFrame(0, Truth("circle", A), Truth("square", B)),
            TruthFrame(1, Truth("circle", B)),
        };
        var detections = new[]
        {
            DetectedFrame(0, Found("square", 0.6, B), Found("circle", 0.9, A)),
            DetectedFrame(1, Found("circle", 0.8, B)),
        };

        var result = DetectionEvaluator.Evaluate(truth, detections);

        foreach (var ap in result.Classes.Select(c => c.AveragePrecision).Append(result.Mean))
        {
            Assert.Equal(1.0, ap.Voc);
            Assert.Equal(1.0, ap.Voc07);
            Assert.Equal(1.0, ap.Coco);
            Assert.Equal(1.0, ap.Coco50);
            Assert.Equal(1.0, ap.Coco75);
            Assert.Equal(1.0, ap.CocoLarge);

            // 100×100 boxes are large; there is nothing to score for the other sizes.
            Assert.Null(ap.CocoSmall);
            Assert.Null(ap.CocoMedium);
        }

        Assert.Equal((3, 3, 3, 0), (result.GroundTruthCount, result.DetectionCount, result.TruePositives, result.FalsePositives));
    }

    [Fact]
    public void No_detections_score_zero()
    {
        var truth = new[] { TruthFrame(0, Truth("circle", A), Truth("circle", B)) };
        var detections = new[] { DetectedFrame(0) };

        var result = DetectionEvaluator.Evaluate(truth, detections);

        var ap = ClassNamed(result, "circle").AveragePrecision;
        Assert.Equal(0.0, ap.Voc);
        Assert.Equal(0.0, ap.Voc07);
        Assert.Equal(0.0, ap.Coco);
        Assert.Equal(0.0, result.Mean.Voc);
        Assert.Equal(0.0, result.Mean.Coco);
        Assert.Equal((1, 2, 0, 0), (result.FramesEvaluated, result.GroundTruthCount, result.DetectionCount, result.TruePositives));
    }

    [Fact]
    public void A_second_detection_of_the_same_object_is_a_false_positive()
    {
        // Ranked: 0.9 hits A, 0.8 hits A again (duplicate → FP), 0.7 hits B: the same curve as the
        // hand-computed case above, so AP = 5/6 (VOC) and 253/303 (COCO, at every threshold).
        // Were the duplicate a hit, recall would reach 1 at precision 1 and AP would be 1.
        var truth = new[] { TruthFrame(0, Truth("circle", A), Truth("circle", B)) };
        var detections = new[]
        {
            DetectedFrame(0, Found("circle", 0.9, A), Found("circle", 0.8, Box(0, 0, 100, 99)), Found("circle", 0.7, B)),
        };

        var result = DetectionEvaluator.Evaluate(truth, detections);

        var circle = ClassNamed(result, "circle");
        Assert.Equal(2, circle.TruePositives);
        Assert.Equal(1, circle.FalsePositives);
        Assert.Equal(5.0 / 6.0, circle.AveragePrecision.Voc!.Value, Tolerance);
        Assert.Equal(253.0 / 303.0, circle.AveragePrecision.Coco!.Value, Tolerance);
    }

    [Fact]
    public void A_detection_with_the_wrong_label_does_not_match_and_its_class_stays_out_of_the_mean()
    {
        var truth = new[] { TruthFrame(0, Truth("circle", A)) };
        var detections = new[] { DetectedFrame(0, Found("square", 0.9, A)) };

        var result = DetectionEvaluator.Evaluate(truth, detections);

        var circle = ClassNamed(result, "circle");
        var square = ClassNamed(result, "square");
        Assert.Equal(0.0, circle.AveragePrecision.Voc);
        Assert.Equal(0, circle.TruePositives);
        Assert.Equal(1, square.FalsePositives);
        Assert.Null(square.AveragePrecision.Voc);
        Assert.Null(square.AveragePrecision.Coco);
        Assert.Equal(0.0, result.Mean.Voc);
        Assert.Equal(0.0, result.Mean.Coco);
    }

    [Fact]
    public void Classes_match_by_label_not_by_class_id()
    {
        var truth = new[] { TruthFrame(0, new GroundTruthObject(1, "circle", A)) };
        var detections = new[] { DetectedFrame(0, new DetectedObject(7, "circle", 0.9, A)) };

        var result = DetectionEvaluator.Evaluate(truth, detections);

        var only = Assert.Single(result.Classes);
        Assert.Equal(1, only.ClassId);
        Assert.Equal(1.0, only.AveragePrecision.Voc);
    }

    [Fact]
    public void Difficult_objects_are_neither_required_nor_penalised()
    {
        // B is difficult. Ranked: 0.9 on B (ignored), 0.85 on nothing (FP), 0.8 on A (TP); one positive.
        // FP then TP → precision 1/2 at recall 1 → AP 1/2 on VOC and at every COCO threshold.
        // Were B an ordinary object: TP, FP, TP of 2 → 5/6; were the detection on B an FP: 1/3.
        var truth = new[] { TruthFrame(0, Truth("circle", A), Truth("circle", B, difficult: true)) };
        var detections = new[] { DetectedFrame(0, Found("circle", 0.9, B), Found("circle", 0.85, Nowhere), Found("circle", 0.8, A)) };

        var result = DetectionEvaluator.Evaluate(truth, detections);

        var circle = ClassNamed(result, "circle");
        Assert.Equal((1, 1, 1, 1, 3), (circle.GroundTruthCount, circle.DifficultCount, circle.TruePositives, circle.FalsePositives, circle.DetectionCount));
        Assert.Equal(0.5, circle.AveragePrecision.Voc!.Value, Tolerance);
        Assert.Equal(0.5, circle.AveragePrecision.Coco!.Value, Tolerance);

        // Not finding B at all costs nothing either.
        var onlyA = DetectionEvaluator.Evaluate(truth, [DetectedFrame(0, Found("circle", 0.8, A))]).Mean;
        Assert.Equal(1.0, onlyA.Voc);
        Assert.Equal(1.0, onlyA.Coco);
    }

    [Fact]
    public void By_default_only_frames_with_detections_are_scored_and_all_frames_counts_the_rest_as_misses()
    {
        var truth = new[] { TruthFrame(0, Truth("circle", A)), TruthFrame(1, Truth("circle", B)) };

        // Frame 7 has no ground truth: its detection is ignored rather than counted as a false positive.
        var detections = new[] { DetectedFrame(0, Found("circle", 0.9, A)), DetectedFrame(7, Found("circle", 0.95, Nowhere)) };

        var detectedOnly = DetectionEvaluator.Evaluate(truth, detections);
        var allFrames = DetectionEvaluator.Evaluate(truth, detections, new EvaluationOptions { Frames = FrameSelection.AllFrames });

        Assert.Equal(1.0, detectedOnly.Mean.Voc);
        Assert.Equal((1, 1, 1), (detectedOnly.FramesEvaluated, detectedOnly.GroundTruthFramesWithoutDetections, detectedOnly.DetectionFramesWithoutGroundTruth));
        Assert.Equal((1, 1, 0), (detectedOnly.GroundTruthCount, detectedOnly.DetectionCount, detectedOnly.FalsePositives));

        // B is missed: recall stops at 1/2 with precision 1 → all-point AP 1/2.
        Assert.Equal(0.5, allFrames.Mean.Voc!.Value, Tolerance);
        Assert.Equal((2, 1, 2), (allFrames.FramesEvaluated, allFrames.GroundTruthFramesWithoutDetections, allFrames.GroundTruthCount));
    }

    [Fact]
    public void Camera_filter_keeps_one_camera_and_overlapping_cameras_without_it_are_rejected()
    {
        var truth = new[] { TruthFrame(0, Truth("circle", A)) };
        var detections = new[]
        {
            new DetectedFrame("good", 0, [Found("circle", 0.9, A)]),
            new DetectedFrame("bad", 0, [Found("circle", 0.9, Nowhere)]),
        };

        var good = DetectionEvaluator.Evaluate(truth, detections, new EvaluationOptions { CameraId = "good" });
        var bad = DetectionEvaluator.Evaluate(truth, detections, new EvaluationOptions { CameraId = "bad" });

        Assert.Equal(1.0, good.Mean.Voc);
        Assert.Equal(0.0, bad.Mean.Voc);
        var error = Assert.Throws<ArgumentException>(() => DetectionEvaluator.Evaluate(truth, detections));
        Assert.Contains("frame 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("'bad'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Min_score_drops_low_scoring_detections_before_matching()
    {
        // Unfiltered, the 0.95 false positive ranks above the 0.93 hit: AP 1/2. A minimum of 0.93 keeps
        // both (the bound is inclusive); 0.94 drops the hit and leaves only the false positive: AP 0.
        var truth = new[] { TruthFrame(0, Truth("circle", A)) };
        var detections = new[] { DetectedFrame(0, Found("circle", 0.95, Nowhere), Found("circle", 0.93, A)) };

        var inclusive = DetectionEvaluator.Evaluate(truth, detections, new EvaluationOptions { MinScore = 0.93 });
        var filtered = DetectionEvaluator.Evaluate(truth, detections, new EvaluationOptions { MinScore = 0.94 });

        Assert.Equal(0.5, inclusive.Mean.Voc!.Value, Tolerance);
        Assert.Equal(2, inclusive.DetectionCount);
        Assert.Equal(0.0, filtered.Mean.Voc);
        Assert.Equal(1, filtered.DetectionCount);
    }

    [Fact]
    public void Repeated_ground_truth_frame_is_rejected()
    {
        var truth = new[] { TruthFrame(3, Truth("circle", A)), TruthFrame(3, Truth("circle", B)) };

        var error = Assert.Throws<ArgumentException>(() => DetectionEvaluator.Evaluate(truth, [DetectedFrame(3)]));

        Assert.Contains("frame 3", error.Message, StringComparison.Ordinal);
    }
}
