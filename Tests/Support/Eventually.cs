using System.Diagnostics;

namespace VideoAnalytics.Tests.Support;

/// <summary>Waits for an observable condition with a timeout: the tests' only way to synchronise with the service.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var clock = Stopwatch.StartNew();
        T last = default!;
        Exception? error = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                last = await probe();
                error = null;
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                error = e;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what}: not true after {timeout.TotalSeconds:0.#} s (last value: {last}{(error is null ? string.Empty : $", last error: {error.Message}")})");
    }

    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) => await Until(condition, timeout, what);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> (and the last
    /// <paramref name="describe"/> output) after <paramref name="timeout"/>. Returns how long it took.</summary>
    public static async Task<TimeSpan> Until(Func<bool> condition, TimeSpan timeout, string what, Func<string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}" + (describe is null ? string.Empty : ": " + describe()));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        return clock.Elapsed;
    }
}
