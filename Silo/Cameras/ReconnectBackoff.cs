namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// Exponential reconnect delays with jitter: attempt n waits <c>min(max, initial·2ⁿ)</c> less up to
/// <see cref="JitterFraction"/> of it, so cameras that lost the same server do not all return in the same instant,
/// while the wait never drops below 80 % of the nominal delay (no hammering). Time comes from a
/// <see cref="TimeProvider"/> so tests can drive it. Used by one camera loop: not thread-safe.
/// </summary>
public sealed class ReconnectBackoff
{
    /// <summary>The share of each delay that jitter may remove.</summary>
    public const double JitterFraction = 0.2;

    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private long _scheduledAt;
    private bool _scheduled;

    /// <param name="initial">Delay after the first failure.</param>
    /// <param name="max">Cap on every delay.</param>
    /// <param name="time">Clock that schedules retries.</param>
    /// <param name="random">Uniform numbers in [0, 1) for jitter; <see cref="Random.Shared"/> by default.</param>
    public ReconnectBackoff(TimeSpan initial, TimeSpan max, TimeProvider time, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        ArgumentNullException.ThrowIfNull(time);
        _initial = initial;
        _max = max;
        _time = time;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Failed attempts since the last <see cref="Reset"/>.</summary>
    public int Attempts { get; private set; }

    /// <summary>The delay chosen by the last <see cref="Schedule"/>.</summary>
    public TimeSpan LastDelay { get; private set; }

    /// <summary>True when the scheduled retry time has come (or nothing is scheduled).</summary>
    public bool IsDue => Remaining <= TimeSpan.Zero;

    /// <summary>Time left until the scheduled retry; zero or less when due.</summary>
    public TimeSpan Remaining => !_scheduled ? TimeSpan.Zero : LastDelay - _time.GetElapsedTime(_scheduledAt);

    /// <summary>The nominal (jitter-free) delay of attempt <paramref name="attempt"/> (0-based).</summary>
    public TimeSpan NominalDelay(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        // 2^n overflows long ticks quickly; past 62 doublings every realistic cap has been reached.
        var factor = Math.Pow(2, Math.Min(attempt, 62));
        var ticks = _initial.Ticks * factor;
        return ticks >= _max.Ticks ? _max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Records a failed attempt and schedules the next one; returns how long to wait.</summary>
    public TimeSpan Schedule()
    {
        var nominal = NominalDelay(Attempts);
        var jitter = Math.Clamp(_random(), 0, 1) * JitterFraction;
        LastDelay = TimeSpan.FromTicks((long)(nominal.Ticks * (1 - jitter)));
        _scheduledAt = _time.GetTimestamp();
        _scheduled = true;
        Attempts++;
        return LastDelay;
    }

    /// <summary>The source works again: the next failure starts over at the initial delay.</summary>
    public void Reset()
    {
        Attempts = 0;
        LastDelay = TimeSpan.Zero;
        _scheduled = false;
    }
}
