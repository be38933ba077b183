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

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), ok => ok, timeout, what);
}
