namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// Decides which of a failing camera's retries get a warning line. A camera that stays dead retries about twice a
/// minute forever (the reconnect backoff's cap); one line per retry buries everything else in the log. So a failure
/// is logged at attempts 1, 2, 4, 8, … (backing off like the reconnects), and at least once every
/// <see cref="MaxQuiet"/> while it lasts, each line counting the retries left out since the previous one; a failure
/// whose reason changed is always logged. Reasons compare with their numbers masked ("no frame for 5.1 s" and "… 5.3 s"
/// are the same failure). Time comes from a <see cref="TimeProvider"/>. Used by one camera loop: not thread-safe.
/// </summary>
public sealed class FailureLogThrottle
{
    /// <summary>The longest a lasting failure goes without a log line.</summary>
    public static readonly TimeSpan DefaultMaxQuiet = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _time;
    private string? _reason;
    private long _loggedAt;

    public FailureLogThrottle(TimeProvider time, TimeSpan? maxQuiet = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        MaxQuiet = maxQuiet ?? DefaultMaxQuiet;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxQuiet, TimeSpan.Zero);
    }

    public TimeSpan MaxQuiet { get; }

    /// <summary>Failures since the camera last streamed (or since <see cref="Recovered"/>).</summary>
    public int Failures { get; private set; }

    /// <summary>Failures left out of the log since the last line.</summary>
    public int Suppressed { get; private set; }

    /// <summary>Records a failure; true when it should be logged, with <paramref name="suppressed"/> the failures
    /// left out since the previous line (then reset).</summary>
    public bool ShouldLog(string reason, out int suppressed)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Failures++;
        var masked = MaskNumbers(reason);
        var changed = !string.Equals(masked, _reason, StringComparison.Ordinal);
        var powerOfTwo = (Failures & (Failures - 1)) == 0;
        var quietTooLong = _reason is not null && _time.GetElapsedTime(_loggedAt) >= MaxQuiet;
        _reason = masked;
        if (!changed && !powerOfTwo && !quietTooLong)
        {
            Suppressed++;
            suppressed = 0;
            return false;
        }

        suppressed = Suppressed;
        Suppressed = 0;
        _loggedAt = _time.GetTimestamp();
        return true;
    }

    /// <summary>The camera streams again: returns how many failures it had (0: none, log nothing) and starts over.</summary>
    public int Recovered()
    {
        var failures = Failures;
        Failures = 0;
        Suppressed = 0;
        _reason = null;
        return failures;
    }

    // A run of digits becomes one '#': "8.5 s" and "10.2 s" are the same failure.
    private static string MaskNumbers(string text)
    {
        var masked = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                masked.Append(text[i]);
            }
            else if (i == 0 || !char.IsAsciiDigit(text[i - 1]))
            {
                masked.Append('#');
            }
        }

        return masked.ToString();
    }
}
