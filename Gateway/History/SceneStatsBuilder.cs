using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.History;

/// <summary>
/// Counts the scene events of stored frames (<see cref="DetectionFrame.Events"/>) per zone or line per time bucket for
/// GET /api/stats: line crossings by direction, zone entries and exits with the exits' mean dwell, each per class too.
/// An event is counted in the bucket of the frame it is stored in, the time the history ranges over (for the exit of
/// an object no longer seen, that is when the exit was decided, a track buffer after the <c>at</c> it names).
/// </summary>
public sealed class SceneStatsBuilder
{
    private readonly bool _lines;
    private readonly long[] _frames;
    private readonly Dictionary<string, Counter>[] _buckets;
    private readonly Dictionary<string, Counter> _totals = new(StringComparer.Ordinal);

    /// <param name="groupBy"><c>line</c> or <c>zone</c>.</param>
    /// <param name="buckets">How many buckets the range has.</param>
    public SceneStatsBuilder(string groupBy, long buckets)
    {
        _lines = groupBy switch
        {
            "line" => true,
            "zone" => false,
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, "expected line or zone"),
        };
        GroupBy = groupBy;
        _frames = new long[buckets];
        _buckets = new Dictionary<string, Counter>[buckets];
        for (var i = 0; i < buckets; i++)
        {
            _buckets[i] = new Dictionary<string, Counter>(StringComparer.Ordinal);
        }
    }

    public string GroupBy { get; }

    /// <summary>Counts <paramref name="frame"/> of <paramref name="camera"/> in bucket <paramref name="bucket"/>.</summary>
    public void Add(string camera, DetectionFrame frame, long bucket)
    {
        ArgumentNullException.ThrowIfNull(frame);
        _frames[bucket]++;
        if (frame.Events is not { Count: > 0 } events)
        {
            return;
        }

        foreach (var e in events)
        {
            var isLine = e.Type == SceneEvent.LineCross;
            if (isLine != _lines || (!isLine && e.Type is not (SceneEvent.ZoneEnter or SceneEvent.ZoneExit)))
            {
                continue;
            }

            var key = $"{camera}/{e.Name}";
            CounterOf(_buckets[bucket], key).Add(e);
            CounterOf(_totals, key).Add(e);
        }
    }

    public SceneStats<LineTally> Lines(DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, IReadOnlyList<string> cameras) =>
        Build(from, to, bucket, cameras, static c => c.ToLine());

    public SceneStats<ZoneTally> Zones(DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, IReadOnlyList<string> cameras) =>
        Build(from, to, bucket, cameras, static c => c.ToZone());

    private SceneStats<T> Build<T>(DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, IReadOnlyList<string> cameras, Func<Counter, T> tally)
    {
        var buckets = new SceneStatsBucket<T>[_buckets.Length];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = new SceneStatsBucket<T>(from + (bucket * i), _frames[i], Tallies(_buckets[i], tally));
        }

        return new SceneStats<T>
        {
            GroupBy = GroupBy,
            From = from,
            To = to,
            BucketSeconds = bucket.TotalSeconds,
            Cameras = cameras,
            Totals = Tallies(_totals, tally),
            Buckets = buckets,
        };
    }

    private static Dictionary<string, T> Tallies<T>(Dictionary<string, Counter> counters, Func<Counter, T> tally)
    {
        var result = new Dictionary<string, T>(counters.Count, StringComparer.Ordinal);
        foreach (var (key, counter) in counters)
        {
            result[key] = tally(counter);
        }

        return result;
    }

    private static Counter CounterOf(Dictionary<string, Counter> counters, string key)
    {
        if (!counters.TryGetValue(key, out var counter))
        {
            counters[key] = counter = new Counter();
        }

        return counter;
    }

    /// <summary>One zone's or line's counts, overall and (one level down, whose own classes stay null) per class.</summary>
    private sealed class Counter
    {
        private long _first;  // in, or enter
        private long _second; // out, or exit
        private double _dwell;
        private long _dwelt;
        private Dictionary<string, Counter>? _classes;

        public void Add(SceneEvent e)
        {
            Count(e);
            _classes ??= new Dictionary<string, Counter>(StringComparer.Ordinal);
            CounterOf(_classes, e.Label).Count(e);
        }

        public LineTally ToLine() => new(_first, _second, _classes is null ? null : Tallies(_classes, static c => c.ToLine()));

        public ZoneTally ToZone() => new(
            _first, _second, _dwelt == 0 ? null : Math.Round(_dwell / _dwelt, 3),
            _classes is null ? null : Tallies(_classes, static c => c.ToZone()));

        private void Count(SceneEvent e)
        {
            switch (e.Type)
            {
                case SceneEvent.LineCross when e.Direction == "in":
                case SceneEvent.ZoneEnter:
                    _first++;
                    break;
                case SceneEvent.LineCross:
                    _second++;
                    break;
                case SceneEvent.ZoneExit:
                    _second++;
                    if (e.DwellSeconds is { } dwell)
                    {
                        _dwell += dwell;
                        _dwelt++;
                    }

                    break;
            }
        }
    }
}
