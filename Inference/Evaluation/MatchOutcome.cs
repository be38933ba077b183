namespace VideoAnalytics.Inference.Evaluation;

/// <summary>What a detection turned out to be at one IoU threshold.</summary>
internal enum MatchOutcome : byte
{
    FalsePositive,
    TruePositive,

    /// <summary>Neither: it matched a difficult (or out-of-area) object, or lies outside the area range unmatched.</summary>
    Ignored,
}
