using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace VideoAnalytics.Gateway.Telemetry;

/// <summary>
/// A small Prometheus exporter (the prometheus-net and OpenTelemetry Prometheus packages are not on our feed):
/// a <see cref="MeterListener"/> aggregates the <see cref="ServiceMeters"/> instruments in this process and
/// <see cref="Write"/> renders the text exposition format 0.0.4. Counters become <c>…_total</c>, histograms
/// <c>_bucket/_sum/_count</c> with fixed buckets chosen by unit, gauges and up-down counters gauges; the unit
/// becomes a suffix (<c>ms</c> → <c>_milliseconds</c>) as the OpenTelemetry-to-Prometheus rules say.
/// Recording is allocation-free once a series exists: series are found by comparing tags, not by building keys.
/// </summary>
public sealed class PrometheusMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _instruments = new();

    public PrometheusMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ServiceMeters.Meters.Contains(instrument.Meter.Name))
            {
                var series = new InstrumentSeries(instrument);
                _instruments[instrument] = series;
                listener.EnableMeasurementEvents(instrument, series);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentSeries? _);
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((InstrumentSeries)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Collects observable instruments and writes every series in the text exposition format.</summary>
    public void Write(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var instruments = _instruments.Values.OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        foreach (var instrument in instruments)
        {
            instrument.BeginCollect();
        }

        _listener.RecordObservableInstruments();

        // Two instruments may map to one Prometheus name (meters of different areas): the first one wins.
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instrument in instruments)
        {
            if (written.Add(instrument.Name))
            {
                instrument.Write(text);
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>Letters, digits, underscores and colons only, not starting with a digit.</summary>
    internal static string Sanitize(string name, bool allowColon)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }

    internal static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    internal static void AppendEscaped(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }
    }
}
