using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Inference.Tracking;

namespace VideoAnalytics.Silo.Pipeline;

/// <summary>
/// The one place a camera's <see cref="TrackingSpec"/> meets the silo's <c>Inference:Tracking:*</c>
/// (<see cref="TrackerOptions"/>): each field the camera sets replaces the silo's, the rest stay the silo's. Used by the
/// frame slot to build and re-build the camera's tracker, and by the spec check to refuse a camera whose settings only
/// go wrong together with this silo's (a camera's <c>lowScore</c> above the silo's high score).
/// </summary>
public static class CameraTracking
{
    /// <summary>The settings a camera's tracker runs with; <paramref name="defaults"/> itself when the camera sets none.</summary>
    public static TrackerOptions Resolve(TrackerOptions defaults, TrackingSpec? spec)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (spec is null || spec.IsEmpty())
        {
            return defaults;
        }

        return defaults with
        {
            HighScore = spec.HighScore is { } high ? (float)high : defaults.HighScore,
            LowScore = spec.LowScore is { } low ? (float)low : defaults.LowScore,
            NewTrackScore = spec.NewTrackScore is { } start ? (float)start : defaults.NewTrackScore,
            MatchCost = spec.MatchCost is { } match ? (float)match : defaults.MatchCost,
            LowMatchCost = spec.LowMatchCost is { } lowMatch ? (float)lowMatch : defaults.LowMatchCost,
            TentativeMatchCost = spec.TentativeMatchCost is { } tentative ? (float)tentative : defaults.TentativeMatchCost,
            BoxBuffer = spec.BoxBuffer is { } buffer ? (float)buffer : defaults.BoxBuffer,
            LostTakeLowScores = spec.LostTakeLowScores ?? defaults.LostTakeLowScores,
            TrackBuffer = spec.TrackBuffer ?? defaults.TrackBuffer,
            ConfirmHits = spec.ConfirmHits ?? defaults.ConfirmHits,
        };
    }

    /// <summary>
    /// What is wrong with <paramref name="spec"/> over <paramref name="defaults"/>, keyed by the API's field
    /// (<c>tracking.highScore</c>); null when the merged settings are valid.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Check(TrackerOptions defaults, TrackingSpec? spec)
    {
        if (Resolve(defaults, spec).Validate() is not { } error)
        {
            return null;
        }

        // Validate() says "Name: reason"; a reason naming several settings at once is the tracking object's.
        var colon = error.IndexOf(':', StringComparison.Ordinal);
        var member = colon > 0 ? error[..colon] : string.Empty;
        var field = member.Length == 0 || member.Contains(',', StringComparison.Ordinal) ? TrackingRules.Field : TrackingRules.Name(member);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [field] = $"{error} (fields the camera leaves out are this silo's Inference:Tracking settings)",
        };
    }
}
