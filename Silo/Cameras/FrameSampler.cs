namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// Samples a frame sequence down to a target rate by timestamp: a frame is kept when its time reaches the next due
/// time, which then advances by one period. Skipped frames are not drops: they were never meant to be analysed.
/// </summary>
internal sealed class FrameSampler
{
    // Timestamps like k/25 s are not exact in binary; without slack 0.19999… would miss a 0.2 s due time.
    private const double Slack = 1e-3;

    private double _period;
    private double _next = double.NaN;

    public FrameSampler(double fps) => SetFps(fps);

    public void SetFps(double fps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(fps, 0);
        _period = 1 / fps;
        _next = double.NaN;
    }

    /// <summary>Starts over: the next frame is kept (after a reconnect or a fps change).</summary>
    public void Reset() => _next = double.NaN;

    /// <summary>Whether the frame at <paramref name="seconds"/> (monotonic within a run) is kept.</summary>
    public bool Keep(double seconds)
    {
        if (double.IsNaN(_next) || seconds < _next - _period * 2)
        {
            // First frame, or time went backwards (a new run): keep it and start the schedule here.
            _next = seconds + _period;
            return true;
        }

        if (seconds + Slack < _next)
        {
            return false;
        }

        _next += _period;
        if (_next <= seconds)
        {
            // The source stalled or runs slower than the target: do not burst to catch up.
            _next = seconds + _period;
        }

        return true;
    }
}
