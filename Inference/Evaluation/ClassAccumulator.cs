namespace VideoAnalytics.Inference.Evaluation;

/// <summary>
/// Matches one class's detections to its ground truth frame by frame, then turns the ranked outcomes
/// into VOC and COCO APs. Matching is per frame; ranking is over all frames of the class.
/// </summary>
internal sealed class ClassAccumulator
{
    private const double VocIouThreshold = 0.5;
    private const int IouThresholdCount = 10;

    // COCO's area ranges in square pixels, bounds inclusive as in pycocotools (an object of exactly 32²
    // counts as both small and medium). Index 0 is "all".
    private static readonly (double Min, double Max)[] AreaRanges =
    [
        (0, double.PositiveInfinity),
        (0, 32 * 32),
        (32 * 32, 96 * 96),
        (96 * 96, double.PositiveInfinity),
    ];

    private readonly int _maxDetectionsPerFrame;
    private readonly List<RankedOutcome> _voc = [];
    private readonly List<RankedOutcomes> _coco = [];
    private readonly int[] _cocoPositives = new int[AreaRanges.Length];
    private int _groundTruthCount;
    private int _difficultCount;
    private int _detectionCount;

    public ClassAccumulator(int maxDetectionsPerFrame) => _maxDetectionsPerFrame = maxDetectionsPerFrame;

    /// <summary>Matches one frame's objects and detections of this class.</summary>
    public void AddFrame(IReadOnlyList<GroundTruthObject> objects, IReadOnlyList<DetectedObject> detections)
    {
        foreach (var o in objects)
        {
            if (o.Difficult)
            {
                _difficultCount++;
            }
            else
            {
                _groundTruthCount++;
            }
        }

        _detectionCount += detections.Count;
        if (detections.Count == 0)
        {
            // Still counts: the objects are misses, which the positives above already record.
            AddCocoPositives(objects);
            return;
        }

        var order = RankByScore(detections);
        var ious = new double[detections.Count * objects.Count];
        for (var d = 0; d < detections.Count; d++)
        {
            for (var g = 0; g < objects.Count; g++)
            {
                ious[(d * objects.Count) + g] = PixelBox.IntersectionOverUnion(detections[d].Box, objects[g].Box);
            }
        }

        MatchVoc(objects, detections, order, ious);
        MatchCoco(objects, detections, order, ious);
    }

    public ClassEvaluation Finish(string label, int classId)
    {
        var (vocAp, voc07Ap, truePositives, falsePositives) = FinishVoc();
        var rangeAps = new double?[AreaRanges.Length];
        double? coco50 = null;
        double? coco75 = null;
        _coco.Sort(static (a, b) => a.CompareTo(b));
        for (var a = 0; a < AreaRanges.Length; a++)
        {
            if (_cocoPositives[a] == 0)
            {
                continue;
            }

            double sum = 0;
            for (var t = 0; t < IouThresholdCount; t++)
            {
                var hits = new List<bool>(_coco.Count);
                foreach (var entry in _coco)
                {
                    var outcome = entry.Outcomes[(a * IouThresholdCount) + t];
                    if (outcome != MatchOutcome.Ignored)
                    {
                        hits.Add(outcome == MatchOutcome.TruePositive);
                    }
                }

                var ap = InterpolatedPrecision.HundredOnePoint(hits, _cocoPositives[a]);
                sum += ap;
                if (a == 0 && t == 0)
                {
                    coco50 = ap;
                }
                else if (a == 0 && t == 5)
                {
                    coco75 = ap;
                }
            }

            rangeAps[a] = sum / IouThresholdCount;
        }

        var aps = new AveragePrecisions(vocAp, voc07Ap, rangeAps[0], coco50, coco75, rangeAps[1], rangeAps[2], rangeAps[3]);
        return new ClassEvaluation(label, classId, _groundTruthCount, _difficultCount, _detectionCount, truePositives, falsePositives, aps);
    }

    // IoU thresholds 0.50, 0.55, …, 0.95 computed from integers so that 0.75 is exactly 0.75 and an IoU of
    // exactly 0.75 matches at that threshold (matching is IoU ≥ threshold, as in both devkits).
    private static double IouThreshold(int t) => (50 + (5 * t)) / 100.0;

    private static bool OutsideRange(double area, int range) => area < AreaRanges[range].Min || area > AreaRanges[range].Max;

    /// <summary>Detection indices by descending score; ties keep input order so results are reproducible.</summary>
    private static int[] RankByScore(IReadOnlyList<DetectedObject> detections)
    {
        var order = new int[detections.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (x, y) =>
        {
            var byScore = detections[y].Score.CompareTo(detections[x].Score);
            return byScore != 0 ? byScore : x.CompareTo(y);
        });
        return order;
    }

    /// <summary>
    /// VOC devkit rules: each detection, in score order, takes the object it overlaps most (difficult ones
    /// included). If that overlap reaches 0.5 it is a hit when the object is still free, a duplicate (false
    /// positive) when it was already taken, and ignored when the object is difficult. No cap on detections.
    /// </summary>
    private void MatchVoc(IReadOnlyList<GroundTruthObject> objects, IReadOnlyList<DetectedObject> detections, int[] order, double[] ious)
    {
        var taken = new bool[objects.Count];
        foreach (var d in order)
        {
            var best = -1;
            var bestIou = double.NegativeInfinity;
            for (var g = 0; g < objects.Count; g++)
            {
                var iou = ious[(d * objects.Count) + g];
                if (iou > bestIou)
                {
                    bestIou = iou;
                    best = g;
                }
            }

            MatchOutcome outcome;
            if (best < 0 || bestIou < VocIouThreshold)
            {
                outcome = MatchOutcome.FalsePositive;
            }
            else if (objects[best].Difficult)
            {
                outcome = MatchOutcome.Ignored;
            }
            else if (!taken[best])
            {
                taken[best] = true;
                outcome = MatchOutcome.TruePositive;
            }
            else
            {
                outcome = MatchOutcome.FalsePositive;
            }

            _voc.Add(new RankedOutcome(detections[d].Score, _voc.Count, outcome));
        }
    }

    /// <summary>
    /// pycocotools rules, per area range and IoU threshold: only the top <c>maxDets</c> detections take
    /// part; each, in score order, takes the still-free object with the highest IoU at or above the
    /// threshold, preferring counted objects over ignored ones (difficult, or outside the area range).
    /// Matching an ignored object makes the detection ignored; an unmatched detection whose own area is
    /// outside the range is ignored too, so the small-object AP is not charged for large false positives.
    /// </summary>
    private void MatchCoco(IReadOnlyList<GroundTruthObject> objects, IReadOnlyList<DetectedObject> detections, int[] order, double[] ious)
    {
        var kept = Math.Min(order.Length, _maxDetectionsPerFrame);
        var outcomes = new MatchOutcome[kept][];
        for (var k = 0; k < kept; k++)
        {
            outcomes[k] = new MatchOutcome[AreaRanges.Length * IouThresholdCount];
        }

        var ignoredObject = new bool[objects.Count];
        var taken = new bool[objects.Count];
        for (var a = 0; a < AreaRanges.Length; a++)
        {
            for (var g = 0; g < objects.Count; g++)
            {
                ignoredObject[g] = objects[g].Difficult || OutsideRange(objects[g].Box.Area, a);
                if (!ignoredObject[g])
                {
                    _cocoPositives[a]++;
                }
            }

            for (var t = 0; t < IouThresholdCount; t++)
            {
                Array.Clear(taken);
                var threshold = IouThreshold(t);
                for (var k = 0; k < kept; k++)
                {
                    var d = order[k];
                    var match = BestFreeObject(d, objects.Count, ious, taken, ignoredObject, wantIgnored: false, threshold);
                    if (match < 0)
                    {
                        match = BestFreeObject(d, objects.Count, ious, taken, ignoredObject, wantIgnored: true, threshold);
                    }

                    MatchOutcome outcome;
                    if (match >= 0)
                    {
                        taken[match] = true;
                        outcome = ignoredObject[match] ? MatchOutcome.Ignored : MatchOutcome.TruePositive;
                    }
                    else
                    {
                        outcome = OutsideRange(detections[d].Box.Area, a) ? MatchOutcome.Ignored : MatchOutcome.FalsePositive;
                    }

                    outcomes[k][(a * IouThresholdCount) + t] = outcome;
                }
            }
        }

        for (var k = 0; k < kept; k++)
        {
            _coco.Add(new RankedOutcomes(detections[order[k]].Score, _coco.Count, outcomes[k]));
        }
    }

    private static int BestFreeObject(int d, int objectCount, double[] ious, bool[] taken, bool[] ignoredObject, bool wantIgnored, double threshold)
    {
        var best = -1;
        var bestIou = threshold;
        for (var g = 0; g < objectCount; g++)
        {
            if (taken[g] || ignoredObject[g] != wantIgnored)
            {
                continue;
            }

            // ≥ so a later object with equal IoU wins, as in pycocotools; it only matters for exact ties.
            var iou = ious[(d * objectCount) + g];
            if (iou >= bestIou)
            {
                bestIou = iou;
                best = g;
            }
        }

        return best;
    }

    private void AddCocoPositives(IReadOnlyList<GroundTruthObject> objects)
    {
        for (var a = 0; a < AreaRanges.Length; a++)
        {
            foreach (var o in objects)
            {
                if (!o.Difficult && !OutsideRange(o.Box.Area, a))
                {
                    _cocoPositives[a]++;
                }
            }
        }
    }

    private (double? Ap, double? Ap07, int TruePositives, int FalsePositives) FinishVoc()
    {
        _voc.Sort(static (a, b) => a.CompareTo(b));
        var hits = new List<bool>(_voc.Count);
        var truePositives = 0;
        var falsePositives = 0;
        foreach (var entry in _voc)
        {
            if (entry.Outcome == MatchOutcome.Ignored)
            {
                continue;
            }

            var hit = entry.Outcome == MatchOutcome.TruePositive;
            hits.Add(hit);
            if (hit)
            {
                truePositives++;
            }
            else
            {
                falsePositives++;
            }
        }

        if (_groundTruthCount == 0)
        {
            return (null, null, truePositives, falsePositives);
        }

        return (InterpolatedPrecision.AllPoint(hits, _groundTruthCount), InterpolatedPrecision.ElevenPoint(hits, _groundTruthCount), truePositives, falsePositives);
    }

    /// <summary>A detection's VOC outcome with its rank keys: score descending, then arrival order.</summary>
    private readonly record struct RankedOutcome(double Score, int Sequence, MatchOutcome Outcome)
    {
        public int CompareTo(RankedOutcome other) => Rank.Compare(Score, Sequence, other.Score, other.Sequence);
    }

    /// <summary>A detection's COCO outcomes, indexed [area range × IoU threshold].</summary>
    private sealed record RankedOutcomes(double Score, int Sequence, MatchOutcome[] Outcomes)
    {
        public int CompareTo(RankedOutcomes other) => Rank.Compare(Score, Sequence, other.Score, other.Sequence);
    }

    private static class Rank
    {
        // Stable ranking across frames: equal scores keep frame order, then in-frame order, as pycocotools'
        // mergesort over images does.
        public static int Compare(double score, int sequence, double otherScore, int otherSequence)
        {
            var byScore = otherScore.CompareTo(score);
            return byScore != 0 ? byScore : sequence.CompareTo(otherSequence);
        }
    }
}
