using System.Diagnostics;

namespace VideoAnalytics.Tests.Silo.Cameras;

/// <summary>Waits for an observable condition by polling it: the tests' only way to wait (never a bare sleep).</summary>
internal static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> (and the last
    /// <paramref name="describe"/> output) after <paramref name="timeout"/>. Returns how long it took.</summary>
    public static async Task<TimeSpan> Until(Func<bool> condition, TimeSpan timeout, string what, Func<string>? describe = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}" + (describe is null ? string.Empty : ": " + describe()));
            }

            await Task.Delay(Poll);
        }

        return clock.Elapsed;
    }
}
