namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// A per-second rate of a growing counter over a sliding window of a few seconds, from samples taken at most every
/// quarter second. Thread-safe: the camera loop samples per frame, status readers sample when they look.
/// </summary>
internal sealed class RateWindow
{
    private const int Capacity = 16;

    private readonly Lock _gate = new();
    private readonly long[] _times = new long[Capacity];
    private readonly long[] _counts = new long[Capacity];
    private readonly TimeProvider _time;
    private readonly long _minSpacing;
    private readonly long _window;
    private int _head;
    private int _size;

    public RateWindow(TimeProvider time, TimeSpan window)
    {
        _time = time;
        _window = (long)(window.TotalSeconds * time.TimestampFrequency);
        _minSpacing = Math.Max(1, _window / (Capacity - 1));
    }

    /// <summary>Records <paramref name="count"/> now (cheap when the last sample is recent).</summary>
    public void Sample(long count)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            Add(now, count);
        }
    }

    /// <summary>Events per second over the window, given the counter's current value.</summary>
    public double Rate(long count)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            Add(now, count);
            // The oldest sample inside the window; when only the one just taken is (a reader that looks rarely),
            // the newest sample before the window.
            var oldest = -1;
            for (var i = 0; i < _size; i++)
            {
                var index = (_head - 1 - i + Capacity) % Capacity;
                if (now - _times[index] > _window)
                {
                    if (oldest < 0 || now - _times[oldest] < _minSpacing)
                    {
                        oldest = index;
                    }

                    break;
                }

                oldest = index;
            }

            if (oldest < 0)
            {
                return 0;
            }

            var elapsed = (now - _times[oldest]) / (double)_time.TimestampFrequency;
            return elapsed <= 0.2 ? 0 : (count - _counts[oldest]) / elapsed;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _size = 0;
        }
    }

    private void Add(long now, long count)
    {
        if (_size > 0 && now - _times[(_head - 1 + Capacity) % Capacity] < _minSpacing)
        {
            return;
        }

        _times[_head] = now;
        _counts[_head] = count;
        _head = (_head + 1) % Capacity;
        _size = Math.Min(_size + 1, Capacity);
    }
}
