using System.Globalization;

namespace VideoAnalytics.Bench.Measurement;

/// <summary>
/// Ours against a peer as a ratio of median throughputs (higher is better for us), with the goal the issue sets.
/// A ratio is only as good as its two medians: both were taken on the same machine, interleaved, in one run.
/// </summary>
public readonly record struct Ratio(double Value, double Goal)
{
    public bool MeetsGoal => Value >= Goal;

    public static Ratio Of(Spread ours, Spread peer, double goal) => new(peer.Median > 0 ? ours.Median / peer.Median : double.NaN, goal);

    public string Show() => string.Create(CultureInfo.InvariantCulture, $"{Value:F2} (goal ≥ {Goal:0.##}: {(MeetsGoal ? "met" : "not met")})");
}
