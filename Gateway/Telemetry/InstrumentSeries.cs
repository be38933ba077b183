using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace VideoAnalytics.Gateway.Telemetry;

/// <summary>The aggregated series of one instrument for <see cref="PrometheusMetrics"/>, one per distinct tag set.</summary>
internal sealed class InstrumentSeries
{
    private static readonly double[] MillisecondBuckets = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
    private static readonly double[] SecondBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] CountBuckets = [1, 2, 4, 8, 16, 32, 64, 128];

    private readonly Lock _gate = new();
    private readonly List<Series> _series = [];
    private readonly Kind _kind;
    private readonly double[] _bounds;
    private readonly string _help;

    public InstrumentSeries(Instrument instrument)
    {
        _kind = instrument switch
        {
            Counter<byte> or Counter<short> or Counter<int> or Counter<long> or Counter<float> or Counter<double> or Counter<decimal> => Kind.Counter,
            _ when instrument.GetType().Name.StartsWith("ObservableCounter", StringComparison.Ordinal) => Kind.ObservedCounter,
            _ when instrument.GetType().Name.StartsWith("UpDownCounter", StringComparison.Ordinal) => Kind.Sum,
            _ when instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal) => Kind.Histogram,
            _ when instrument.IsObservable => Kind.ObservedGauge,
            _ => Kind.Gauge,
        };
        var unit = instrument.Unit ?? string.Empty;
        _bounds = unit switch
        {
            "ms" => MillisecondBuckets,
            "s" => SecondBuckets,
            _ => CountBuckets,
        };
        var suffix = unit switch
        {
            "ms" => "_milliseconds",
            "s" => "_seconds",
            "By" => "_bytes",
            "1" => "_ratio",
            _ => string.Empty, // {frame}-style annotations are not units
        };
        var name = PrometheusMetrics.Sanitize(instrument.Name, allowColon: true);
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }

        if (_kind is Kind.Counter or Kind.ObservedCounter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        Name = name;
        _help = (instrument.Description ?? instrument.Name).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private enum Kind
    {
        Counter,
        ObservedCounter,
        Sum,
        Gauge,
        ObservedGauge,
        Histogram,
    }

    public string Name { get; }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            var series = Find(tags);
            switch (_kind)
            {
                case Kind.Counter:
                case Kind.Sum:
                    series.Value += value;
                    break;
                case Kind.Histogram:
                    series.Count++;
                    series.Value += value;
                    var bucket = 0;
                    while (bucket < _bounds.Length && value > _bounds[bucket])
                    {
                        bucket++;
                    }

                    series.Buckets![bucket]++;
                    break;
                default:
                    series.Value = value; // observed totals and gauges report their current value
                    break;
            }
        }
    }

    /// <summary>Observed instruments report every live series on each collection: forget the previous ones.</summary>
    public void BeginCollect()
    {
        if (_kind is Kind.ObservedCounter or Kind.ObservedGauge)
        {
            lock (_gate)
            {
                _series.Clear();
            }
        }
    }

    public void Write(StringBuilder text)
    {
        lock (_gate)
        {
            if (_series.Count == 0)
            {
                return;
            }

            var type = _kind switch
            {
                Kind.Counter or Kind.ObservedCounter => "counter",
                Kind.Histogram => "histogram",
                _ => "gauge",
            };
            text.Append("# HELP ").Append(Name).Append(' ').Append(_help).Append('\n');
            text.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
            foreach (var series in _series)
            {
                if (_kind != Kind.Histogram)
                {
                    AppendSample(text, Name, series.Tags, null, series.Value);
                    continue;
                }

                long cumulative = 0;
                for (var i = 0; i <= _bounds.Length; i++)
                {
                    cumulative += series.Buckets![i];
                    var le = i < _bounds.Length ? _bounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                    AppendSample(text, Name + "_bucket", series.Tags, le, cumulative);
                }

                AppendSample(text, Name + "_sum", series.Tags, null, series.Value);
                AppendSample(text, Name + "_count", series.Tags, null, series.Count);
            }
        }
    }

    private static void AppendSample(StringBuilder text, string name, KeyValuePair<string, object?>[] tags, string? le, double value)
    {
        text.Append(name);
        if (tags.Length > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, tagValue) in tags)
            {
                text.Append(first ? string.Empty : ",").Append(PrometheusMetrics.Sanitize(key, allowColon: false)).Append("=\"");
                PrometheusMetrics.AppendEscaped(text, Convert.ToString(tagValue, CultureInfo.InvariantCulture) ?? string.Empty);
                text.Append('"');
                first = false;
            }

            if (le is not null)
            {
                text.Append(first ? string.Empty : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(PrometheusMetrics.Format(value)).Append('\n');
    }

    private Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var candidate in _series)
        {
            if (candidate.Matches(tags))
            {
                return candidate;
            }
        }

        var copy = tags.ToArray();
        Array.Sort(copy, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var created = new Series(copy, _kind == Kind.Histogram ? new long[_bounds.Length + 1] : null);
        _series.Add(created);
        return created;
    }

    private sealed class Series(KeyValuePair<string, object?>[] tags, long[]? buckets)
    {
        public KeyValuePair<string, object?>[] Tags { get; } = tags;

        public long[]? Buckets { get; } = buckets;

        public double Value { get; set; }

        public long Count { get; set; }

        /// <summary>Same tags in any order, compared without allocating.</summary>
        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != Tags.Length)
            {
                return false;
            }

            foreach (var (key, value) in tags)
            {
                var found = false;
                foreach (var mine in Tags)
                {
                    if (string.Equals(mine.Key, key, StringComparison.Ordinal) && Equals(mine.Value, value))
                    {
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
