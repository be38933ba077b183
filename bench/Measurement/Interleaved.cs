using System.Diagnostics;

namespace VideoAnalytics.Bench.Measurement;

/// <summary>
/// Runs competing measurements in rounds (A, B, A, B, …) rather than all of A then all of B, so that a change in
/// machine load during the run (the bench shares the machine) hits every contestant alike.
/// </summary>
public static class Interleaved
{
    /// <summary>Calls every action once per round; returns each action's samples (whatever the action returns).</summary>
    public static List<double>[] Rounds(int rounds, params Func<double>[] actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var samples = new List<double>[actions.Length];
        for (var i = 0; i < actions.Length; i++)
        {
            samples[i] = new List<double>(rounds);
        }

        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < actions.Length; i++)
            {
                samples[i].Add(actions[i]());
            }
        }

        return samples;
    }

    /// <summary>Seconds one call of <paramref name="action"/> takes, for choosing how many calls fill a block.</summary>
    public static double Time(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds <paramref name="calls"/> back-to-back calls of <paramref name="action"/> take.</summary>
    public static double Block(Action action, int calls)
    {
        ArgumentNullException.ThrowIfNull(action);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            action();
        }

        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Calls per block so that one block lasts about <paramref name="blockSeconds"/>.</summary>
    public static int CallsPerBlock(double secondsPerCall, double blockSeconds, int min = 3, int max = 200) =>
        Math.Clamp((int)Math.Round(blockSeconds / Math.Max(secondsPerCall, 1e-6)), min, max);
}
