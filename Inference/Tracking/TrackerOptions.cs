namespace VideoAnalytics.Inference.Tracking;

/// <summary>
/// The tracker's thresholds. Defaults are those of ByteTrack's published configuration (Zhang et al., "ByteTrack:
/// Multi-Object Tracking by Associating Every Detection Box", ECCV 2022, and its reference code): high-score
/// threshold 0.5, low-score floor 0.1, new tracks from detections scoring at least 0.6 (high + 0.1), first
/// association accepted at cost 1 − IoU·score ≤ 0.8, second (low-score) at 1 − IoU ≤ 0.5, tentative tracks at
/// 1 − IoU·score ≤ 0.7, and lost tracks kept for 30 frames at 30 fps, scaled with the frame rate. Two defaults
/// differ from ByteTrack, measured on the held-out video at the default camera rate of 5 fps (models/README.md):
/// association IoU is taken on buffered boxes (<see cref="BoxBuffer"/> 1.0, ByteTrack 0) and lost tracks may take
/// low-score detections (<see cref="LostTakeLowScores"/>).
/// </summary>
public sealed record TrackerOptions
{
    public static TrackerOptions Default { get; } = new();

    /// <summary>Detections scoring at least this take part in the first association ("high" detections).</summary>
    public float HighScore { get; init; } = 0.5f;

    /// <summary>Detections scoring at least this (and below <see cref="HighScore"/>) are used to continue tracks only.</summary>
    public float LowScore { get; init; } = 0.1f;

    /// <summary>An unmatched high detection starts a track only when it scores at least this.</summary>
    public float NewTrackScore { get; init; } = 0.6f;

    /// <summary>Largest cost 1 − IoU·score at which a confirmed or lost track takes a high detection.</summary>
    public float MatchCost { get; init; } = 0.8f;

    /// <summary>Largest cost 1 − IoU at which a track that was not matched to a high detection takes a low one.</summary>
    public float LowMatchCost { get; init; } = 0.5f;

    /// <summary>Largest cost 1 − IoU·score at which a tentative track takes a high detection.</summary>
    public float TentativeMatchCost { get; init; } = 0.7f;

    /// <summary>
    /// Each box is widened by this fraction of its width and height on every side before IoU is taken for association
    /// (the "buffered IoU" of C-BIoU, Yang et al., WACV 2023). 0 is plain IoU, as in ByteTrack. Cameras analyse few
    /// frames a second (5 by default), where a small object moves more than its own size between two analysed frames
    /// and its boxes no longer overlap; the buffer lets them.
    /// </summary>
    public float BoxBuffer { get; init; } = 1.0f;

    /// <summary>
    /// Whether lost tracks take part in the low-score association (ByteTrack: no, only tracks matched in the previous
    /// frame do). At 5 fps a lost track is kept for only 5 frames, and an object coming out from behind another, or
    /// a small one, often comes back with scores under <see cref="HighScore"/>; this lets it resume its track.
    /// </summary>
    public bool LostTakeLowScores { get; init; } = true;

    /// <summary>Frames a lost track is kept at 30 fps; scaled to the camera's rate (<see cref="LostFrames"/>).</summary>
    public int TrackBuffer { get; init; } = 30;

    /// <summary>
    /// Consecutive matched frames after which a track is confirmed and gets its id (ByteTrack: 2 — a track is
    /// confirmed on its second frame, except on the tracker's very first frame, where every track is).
    /// </summary>
    public int ConfirmHits { get; init; } = 2;

    /// <summary>Frames a lost track is kept at <paramref name="fps"/> analysed frames a second: ⌊fps / 30 · buffer⌋, at least 1.</summary>
    public int LostFrames(double fps) => Math.Max(1, (int)(fps / 30.0 * TrackBuffer));

    /// <summary>The first invalid setting as "Name: reason", or null when all are valid.</summary>
    public string? Validate()
    {
        static bool Unit(float v) => v >= 0 && v <= 1;
        if (!Unit(LowScore))
        {
            return $"{nameof(LowScore)}: expected a number in [0, 1], got {LowScore}";
        }

        if (!Unit(HighScore) || HighScore < LowScore)
        {
            return $"{nameof(HighScore)}: expected a number in [{nameof(LowScore)}, 1], got {HighScore}";
        }

        if (!Unit(NewTrackScore) || NewTrackScore < HighScore)
        {
            return $"{nameof(NewTrackScore)}: expected a number in [{nameof(HighScore)}, 1], got {NewTrackScore}";
        }

        if (!Unit(MatchCost) || !Unit(LowMatchCost) || !Unit(TentativeMatchCost))
        {
            return "MatchCost, LowMatchCost, TentativeMatchCost: expected numbers in [0, 1]";
        }

        if (!float.IsFinite(BoxBuffer) || BoxBuffer < 0 || BoxBuffer > 5)
        {
            return $"{nameof(BoxBuffer)}: expected a number in [0, 5], got {BoxBuffer}";
        }

        if (TrackBuffer is < 1 or > 10_000)
        {
            return $"{nameof(TrackBuffer)}: expected 1..10000 frames, got {TrackBuffer}";
        }

        return ConfirmHits is < 1 or > 100 ? $"{nameof(ConfirmHits)}: expected 1..100, got {ConfirmHits}" : null;
    }
}
