using VideoAnalytics.Inference.Evaluation;

namespace VideoAnalytics.Tests.Inference.Evaluation;

/// <summary>
/// CLEAR-MOT and IDF1 on scenes small enough to count by hand; each expected value is worked out in the comment above
/// it. Boxes: <c>A</c> is 100×100 at the origin; a box shifted by 10 px overlaps it by IoU 90·100/(2·10000 − 9000) ≈ 0.818.
/// </summary>
public sealed class TrackingEvaluatorTests
{
    private static readonly PixelBox A = new(0, 0, 100, 100);
    private static readonly PixelBox B = new(500, 0, 600, 100);

    private static GroundTruthObject Truth(int id, PixelBox box, string label = "circle") => new(1, label, box, Id: id);

    private static DetectedObject Tracked(int? trackId, PixelBox box, string label = "circle") => new(1, label, 0.9, box, trackId);

    private static PixelBox Shift(PixelBox b, double dx) => new(b.X1 + dx, b.Y1, b.X2 + dx, b.Y2);

    [Fact]
    public void Perfect_tracking_scores_one()
    {
        GroundTruthFrame[] truth = [new(0, [Truth(1, A), Truth(2, B)]), new(1, [Truth(1, A), Truth(2, B)]), new(2, [Truth(1, A), Truth(2, B)])];
        DetectedFrame[] tracked = [.. truth.Select(f => new DetectedFrame("c", f.FrameIndex, [Tracked(7, A), Tracked(8, B)]))];

        var r = TrackingEvaluator.Evaluate(truth, tracked);

        Assert.Equal((3, 6, 6, 0, 0, 0, 0), (r.FramesEvaluated, r.GroundTruthObjects, r.Matches, r.FalsePositives, r.FalseNegatives, r.IdSwitches, r.Fragmentations));
        Assert.Equal(1.0, r.Mota);
        Assert.Equal(1.0, r.Motp);
        Assert.Equal(1.0, r.Idf1);
        Assert.Equal((2, 2, 2, 0), (r.GroundTruthTracks, r.Tracks, r.MostlyTracked, r.MostlyLost));
    }

    [Fact]
    public void One_id_switch()
    {
        // One object over 4 frames, tracked as 1, 1, 2, 2: 4 matches, 1 switch (frame 2), no FP/FN.
        // MOTA = 1 − (0 + 0 + 1)/4 = 0.75. IDF1: object ↔ track 1 (or 2) share 2 frames: IDTP 2, IDFN 2, IDFP 2,
        // IDF1 = 2·2/(4 + 4) = 0.5. Never interrupted: no fragmentation.
        GroundTruthFrame[] truth = [.. Enumerable.Range(0, 4).Select(i => new GroundTruthFrame(i, [Truth(1, A)]))];
        DetectedFrame[] tracked = [.. Enumerable.Range(0, 4).Select(i => new DetectedFrame("c", i, [Tracked(i < 2 ? 1 : 2, A)]))];

        var r = TrackingEvaluator.Evaluate(truth, tracked);

        Assert.Equal((4, 1, 0, 0, 0), (r.Matches, r.IdSwitches, r.Fragmentations, r.FalsePositives, r.FalseNegatives));
        Assert.Equal(0.75, r.Mota!.Value, 12);
        Assert.Equal((2, 2, 2), (r.IdTruePositives, r.IdFalsePositives, r.IdFalseNegatives));
        Assert.Equal(0.5, r.Idf1!.Value, 12);
    }

    [Fact]
    public void One_fragmentation()
    {
        // One object over 5 frames, tracked as 1 in frames 0, 1, 3, 4 and not at all in frame 2: FN 1, FM 1 (tracked,
        // lost, tracked again), no switch. MOTA = 1 − 1/5 = 0.8. IDF1: IDTP 4, 5 truth and 4 tracked boxes:
        // 2·4/(5 + 4) = 8/9. MOTP: every match has IoU 1.
        GroundTruthFrame[] truth = [.. Enumerable.Range(0, 5).Select(i => new GroundTruthFrame(i, [Truth(1, A)]))];
        DetectedFrame[] tracked = [.. Enumerable.Range(0, 5).Select(i => new DetectedFrame("c", i, i == 2 ? [] : [Tracked(1, A)]))];

        var r = TrackingEvaluator.Evaluate(truth, tracked);

        Assert.Equal((4, 0, 1, 0, 1), (r.Matches, r.IdSwitches, r.Fragmentations, r.FalsePositives, r.FalseNegatives));
        Assert.Equal(0.8, r.Mota!.Value, 12);
        Assert.Equal(8.0 / 9, r.Idf1!.Value, 12);
        Assert.Equal(1.0, r.Motp);
    }

    [Fact]
    public void Miss_at_the_end_is_not_a_fragmentation()
    {
        // Tracked in frames 0–1, missed in 2–3 and never found again: FN 2, no fragmentation (nothing resumed).
        GroundTruthFrame[] truth = [.. Enumerable.Range(0, 4).Select(i => new GroundTruthFrame(i, [Truth(1, A)]))];
        DetectedFrame[] tracked = [.. Enumerable.Range(0, 4).Select(i => new DetectedFrame("c", i, i >= 2 ? [] : [Tracked(1, A)]))];

        var r = TrackingEvaluator.Evaluate(truth, tracked);

        Assert.Equal((2, 0, 2), (r.Matches, r.Fragmentations, r.FalseNegatives));
        Assert.Equal(0.5, r.Mota!.Value, 12);
    }

    [Fact]
    public void Wrong_label_low_overlap_and_untracked_detections_do_not_match()
    {
        // Frame 0: a square on the circle (another label) → FP + FN. Frame 1: a box at IoU 1/3 (shifted by 50 px)
        // → FP + FN. Frame 2: the right box without a track id (not tracker output) → only FN.
        // MOTA = 1 − (3 FN + 2 FP)/3 = −2/3.
        GroundTruthFrame[] truth = [.. Enumerable.Range(0, 3).Select(i => new GroundTruthFrame(i, [Truth(1, A)]))];
        DetectedFrame[] tracked =
        [
            new("c", 0, [Tracked(1, A, "square")]),
            new("c", 1, [Tracked(1, Shift(A, 50))]),
            new("c", 2, [Tracked(null, A)]),
        ];

        var r = TrackingEvaluator.Evaluate(truth, tracked);

        Assert.Equal((0, 2, 3, 2), (r.Matches, r.FalsePositives, r.FalseNegatives, r.TrackedObjects));
        Assert.Equal(-2.0 / 3, r.Mota!.Value, 12);
        Assert.Equal(0.0, r.Idf1);
        Assert.Null(r.Motp);
    }

    [Fact]
    public void An_earlier_pairing_that_still_matches_is_kept_over_a_better_overlap()
    {
        // Frame 0: only track 1, shifted 10 px (IoU 9/11). Frame 1: track 1 still shifted, track 2 exact. CLEAR-MOT keeps
        // object ↔ 1 (no switch) and track 2 is a false positive. MOTP = 9/11 over both matches.
        GroundTruthFrame[] truth = [new(0, [Truth(1, A)]), new(1, [Truth(1, A)])];
        DetectedFrame[] tracked = [new("c", 0, [Tracked(1, Shift(A, 10))]), new("c", 1, [Tracked(2, A), Tracked(1, Shift(A, 10))])];

        var r = TrackingEvaluator.Evaluate(truth, tracked);

        Assert.Equal((2, 0, 1, 0), (r.Matches, r.IdSwitches, r.FalsePositives, r.FalseNegatives));
        Assert.Equal(9000.0 / 11000, r.Motp!.Value, 12);
        Assert.Equal(0.5, r.Mota!.Value, 12);
    }

    [Fact]
    public void Two_objects_swapping_tracks_count_two_switches_and_idf1_pairs_the_longest_overlaps()
    {
        // Objects 1 (at A) and 2 (at B) over 3 frames; tracks 5 and 6 follow them in frames 0–1 and swap in frame 2.
        // Two switches in frame 2; MOTA = 1 − 2/6 = 2/3. IDF1 pairs 1↔5 and 2↔6 (2 frames each): IDTP 4, 2·4/(6 + 6).
        GroundTruthFrame[] truth = [.. Enumerable.Range(0, 3).Select(i => new GroundTruthFrame(i, [Truth(1, A), Truth(2, B)]))];
        DetectedFrame[] tracked = [.. Enumerable.Range(0, 3).Select(i => new DetectedFrame("c", i, i < 2 ? [Tracked(5, A), Tracked(6, B)] : [Tracked(6, A), Tracked(5, B)]))];

        var r = TrackingEvaluator.Evaluate(truth, tracked);

        Assert.Equal((6, 2, 0), (r.Matches, r.IdSwitches, r.Fragmentations));
        Assert.Equal(2.0 / 3, r.Mota!.Value, 12);
        Assert.Equal(4, r.IdTruePositives);
        Assert.Equal(8.0 / 12, r.Idf1!.Value, 12);
    }

    [Fact]
    public void Ground_truth_without_ids_is_refused()
    {
        GroundTruthFrame[] truth = [new(0, [new GroundTruthObject(1, "circle", A)])];
        var e = Assert.Throws<ArgumentException>(() => TrackingEvaluator.Evaluate(truth, [new DetectedFrame("c", 0, [])]));
        Assert.Contains("without an id", e.Message, StringComparison.Ordinal);
    }
}
