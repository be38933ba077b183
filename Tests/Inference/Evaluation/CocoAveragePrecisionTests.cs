using VideoAnalytics.Inference.Evaluation;
using static VideoAnalytics.Tests.Inference.Evaluation.EvaluationData;

namespace VideoAnalytics.Tests.Inference.Evaluation;

public sealed class CocoAveragePrecisionTests
{
    [Fact]
    public void Iou_of_exactly_075_counts_at_thresholds_050_to_075_only()
    {
        // circle: 100×100 object, detection covering its top 75 rows: IoU = 7500 / 10000 = 0.75 exactly.
        //   Hit at .50 .55 .60 .65 .70 .75 (6 thresholds, AP 1 each), miss at .80 .85 .90 .95 → 6/10.
        // square: detection covering the top 60 rows: IoU = 0.6 → hit at .50 .55 .60 → 3/10.
        var truth = new[] { TruthFrame(0, Truth("circle", Box(0, 0, 100, 100)), Truth("square", Box(200, 0, 300, 100))) };
        var detections = new[] { DetectedFrame(0, Found("circle", 0.9, Box(0, 0, 100, 75)), Found("square", 0.9, Box(200, 0, 300, 60))) };

        var result = DetectionEvaluator.Evaluate(truth, detections);

        var circle = ClassNamed(result, "circle").AveragePrecision;
        Assert.Equal(0.6, circle.Coco!.Value, Tolerance);
        Assert.Equal(1.0, circle.Coco50);
        Assert.Equal(1.0, circle.Coco75);
        Assert.Equal(1.0, circle.Voc);

        var square = ClassNamed(result, "square").AveragePrecision;
        Assert.Equal(0.3, square.Coco!.Value, Tolerance);
        Assert.Equal(1.0, square.Coco50);
        Assert.Equal(0.0, square.Coco75);

        Assert.Equal(0.45, result.Mean.Coco!.Value, Tolerance);
        Assert.Equal(0.5, result.Mean.Coco75!.Value, Tolerance);
    }

    [Fact]
    public void Area_ranges_split_ground_truth_and_ignore_unmatched_detections_outside_the_range()
    {
        // Objects: small 10×10 (100 px²), medium 50×50 (2500), large 200×200 (40000).
        // Ranked detections: 0.95 false positive of 150×150 (large), 0.9 exact on small, 0.8 exact on large.
        //  all:    FP, TP, TP of 3 → envelope 2/3 up to recall 2/3: 67 of 101 points → (67·2/3)/101 = 134/303
        //  small:  the large FP is unmatched and outside the range → ignored; the large hit matched an
        //          object outside the range → ignored; left: TP of 1 → 1
        //  medium: nothing counts; the object is missed → 0
        //  large:  FP, TP of 1 → precision 1/2 at recall 1 → 1/2
        var truth = new[]
        {
            TruthFrame(0, Truth("circle", Box(0, 0, 10, 10)), Truth("circle", Box(100, 100, 150, 150)), Truth("circle", Box(200, 200, 400, 400))),
        };
        var detections = new[]
        {
            DetectedFrame(
                0,
                Found("circle", 0.95, Box(500, 500, 650, 650)),
                Found("circle", 0.9, Box(0, 0, 10, 10)),
                Found("circle", 0.8, Box(200, 200, 400, 400))),
        };

        var ap = DetectionEvaluator.Evaluate(truth, detections).Mean;

        Assert.Equal(134.0 / 303.0, ap.Coco!.Value, Tolerance);
        Assert.Equal(1.0, ap.CocoSmall);
        Assert.Equal(0.0, ap.CocoMedium);
        Assert.Equal(0.5, ap.CocoLarge!.Value, Tolerance);
        Assert.Equal(4.0 / 9.0, ap.Voc!.Value, Tolerance);
    }

    [Fact]
    public void Area_bounds_are_inclusive_as_in_pycocotools()
    {
        // A 32×32 object (1024 px²) sits on the small/medium bound and belongs to both.
        var box = Box(0, 0, 32, 32);

        var ap = DetectionEvaluator.Evaluate([TruthFrame(0, Truth("circle", box))], [DetectedFrame(0, Found("circle", 0.9, box))]).Mean;

        Assert.Equal(1.0, ap.CocoSmall);
        Assert.Equal(1.0, ap.CocoMedium);
        Assert.Null(ap.CocoLarge);
    }

    [Fact]
    public void Coco_keeps_only_the_top_100_detections_per_frame_while_voc_keeps_all()
    {
        // 100 false positives outrank the only hit. COCO never sees the hit (AP 0); VOC finds it at rank
        // 101: recall 1 at precision 1/101 → AP 1/101. Allowing 101 detections lets COCO see it too.
        var target = Box(0, 0, 100, 100);
        var found = new List<DetectedObject>();
        for (var i = 0; i < 100; i++)
        {
            found.Add(Found("circle", 0.9, Box(200 + (i * 10), 300, 205 + (i * 10), 305)));
        }

        found.Add(Found("circle", 0.1, target));
        var truth = new[] { TruthFrame(0, Truth("circle", target)) };
        var detections = new[] { DetectedFrame(0, [.. found]) };

        var capped = DetectionEvaluator.Evaluate(truth, detections).Mean;
        var uncapped = DetectionEvaluator.Evaluate(truth, detections, new EvaluationOptions { MaxDetectionsPerFrame = 101 }).Mean;

        Assert.Equal(0.0, capped.Coco50);
        Assert.Equal(1.0 / 101.0, capped.Voc!.Value, Tolerance);
        Assert.Equal(1.0 / 101.0, uncapped.Coco50!.Value, Tolerance);
    }

    [Fact]
    public void Voc_charges_a_detection_whose_best_object_is_taken_while_coco_takes_the_next_free_one()
    {
        // Objects P = [0,100] and Q = [20,120] (x; both 100 tall). Detections: 0.9 exactly on P, then
        // 0.8 on [8,108]: IoU with P = 92/108 ≈ 0.852, with Q = 88/112 ≈ 0.786.
        //  VOC (devkit rule): the second detection's best overlap is P, already taken → duplicate, FP.
        //      TP, FP of 2 → AP 1/2.
        //  COCO (pycocotools rule): it takes the best *free* object, Q, wherever IoU ≥ threshold:
        //      thresholds .50–.75 (6): TP, TP → 1;  .80–.95 (4): TP, FP → recall ≤ 1/2 → 51/101.
        //      AP = (6 + 4·51/101) / 10 = 81/101.
        var truth = new[] { TruthFrame(0, Truth("circle", Box(0, 0, 100, 100)), Truth("circle", Box(20, 0, 120, 100))) };
        var detections = new[] { DetectedFrame(0, Found("circle", 0.9, Box(0, 0, 100, 100)), Found("circle", 0.8, Box(8, 0, 108, 100))) };

        var result = DetectionEvaluator.Evaluate(truth, detections);

        Assert.Equal(0.5, result.Mean.Voc!.Value, Tolerance);
        Assert.Equal((1, 1), (result.TruePositives, result.FalsePositives));
        Assert.Equal(81.0 / 101.0, result.Mean.Coco!.Value, Tolerance);
        Assert.Equal(1.0, result.Mean.Coco50);
    }
}
