using System.Globalization;

namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// The ranges and order a camera's <see cref="TrackingSpec"/> must keep, with an error per bad field
/// (<c>tracking.highScore</c>, …) for a 400 ProblemDetails. The ranges are those the silo checks its own
/// <c>Inference:Tracking:*</c> settings against. The order (low ≤ high ≤ new-track score; equal is allowed, as in the
/// silo's settings: a low score equal to the high one switches the low-score association off) is checked here among
/// the fields the camera sets; against the silo's values for the fields it leaves out, the silo checks it
/// (<see cref="ICameraSpecCheckGrain"/>), since only the silo knows them.
/// </summary>
public static class TrackingRules
{
    public const string Field = "tracking";

    public static void Validate(TrackingSpec? tracking, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (tracking is null)
        {
            return;
        }

        Unit(tracking.HighScore, "highScore", errors);
        Unit(tracking.LowScore, "lowScore", errors);
        Unit(tracking.NewTrackScore, "newTrackScore", errors);
        Unit(tracking.MatchCost, "matchCost", errors);
        Unit(tracking.LowMatchCost, "lowMatchCost", errors);
        Unit(tracking.TentativeMatchCost, "tentativeMatchCost", errors);
        if (tracking.BoxBuffer is { } buffer && !(buffer >= 0 && buffer <= 5))
        {
            errors.TryAdd(Name("boxBuffer"), ["boxBuffer must be between 0 and 5"]);
        }

        if (tracking.TrackBuffer is { } frames && frames is < 1 or > 10_000)
        {
            errors.TryAdd(Name("trackBuffer"), ["trackBuffer must be between 1 and 10000 frames (at 30 fps)"]);
        }

        if (tracking.ConfirmHits is { } hits && hits is < 1 or > 100)
        {
            errors.TryAdd(Name("confirmHits"), ["confirmHits must be between 1 and 100"]);
        }

        Order(tracking.LowScore, "lowScore", tracking.HighScore, "highScore", errors);
        Order(tracking.HighScore, "highScore", tracking.NewTrackScore, "newTrackScore", errors);
        Order(tracking.LowScore, "lowScore", tracking.NewTrackScore, "newTrackScore", errors);
    }

    /// <summary>The error key of a tracking member: <c>tracking.</c> and its JSON (camelCase) name.</summary>
    public static string Name(string member) =>
        string.Create(CultureInfo.InvariantCulture, $"{Field}.{char.ToLowerInvariant(member[0])}{member[1..]}");

    private static void Unit(double? value, string name, IDictionary<string, string[]> errors)
    {
        if (value is { } v && !(v >= 0 && v <= 1))
        {
            errors.TryAdd(Name(name), [$"{name} must be between 0 and 1"]);
        }
    }

    // Reported on the higher one, which is the threshold a reader looks at first when asking "why is nothing tracked".
    private static void Order(double? lower, string lowerName, double? higher, string higherName, IDictionary<string, string[]> errors)
    {
        if (lower is { } low && higher is { } high && low > high)
        {
            errors.TryAdd(Name(higherName), [string.Create(CultureInfo.InvariantCulture, $"{higherName} ({high}) must not be below {lowerName} ({low})")]);
        }
    }
}
