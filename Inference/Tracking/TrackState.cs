namespace VideoAnalytics.Inference.Tracking;

/// <summary>Where a track is in its life: tentative → confirmed ⇄ lost → removed (its slot free again).</summary>
public enum TrackState : byte
{
    /// <summary>The slot holds no track (never used, or the track was removed).</summary>
    Removed = 0,

    /// <summary>Started from an unmatched high-score detection; has no id yet and dies the first frame it is not matched.</summary>
    Tentative,

    /// <summary>Matched in the current frame (or lost and found again): its detections carry its id.</summary>
    Confirmed,

    /// <summary>A confirmed track not matched in its last frames; kept, predicted, for the track buffer, then removed.</summary>
    Lost,
}
