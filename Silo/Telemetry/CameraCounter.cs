using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace VideoAnalytics.Silo.Telemetry;

/// <summary>
/// A per-camera counter (tag <c>camera</c>, optionally one or two more such as <c>reason</c>, <c>class</c>, or
/// <c>line</c> and <c>direction</c>) exported as an
/// observable counter over totals kept here, so that a camera's series can be dropped.
/// </summary>
/// <remarks>
/// Why not a plain <see cref="Counter{T}"/>: OpenTelemetry's SDK keeps every series a synchronous instrument ever
/// recorded for as long as the process runs (cumulative temporality, which Prometheus needs), so a deleted camera's
/// series would be exported forever. An observable instrument reports only what its callback returns, and the SDK
/// exports nothing for a series the callback stopped returning. Only cameras <see cref="PipelineMetrics.Track">tracked</see>
/// by this silo count: a frame still in flight when its camera was removed does not bring the series back.
/// Hot path: one dictionary look-up by a (camera, tag) value tuple and an interlocked add; no allocation once a
/// series exists.
/// </remarks>
public sealed class CameraCounter
{
    private readonly PipelineMetrics _owner;
    private readonly string? _tagName;
    private readonly string? _secondTagName;
    private readonly ConcurrentDictionary<(string Camera, string? Tag, string? Second), StrongBox<long>> _totals = new();

    internal CameraCounter(PipelineMetrics owner, string? tagName, string? secondTagName = null)
    {
        _owner = owner;
        _tagName = tagName;
        _secondTagName = secondTagName;
    }

    public void Add(long value, KeyValuePair<string, object?> camera) => Add(value, camera, default);

    /// <param name="value">How much to add.</param>
    /// <param name="camera">The <c>camera</c> tag.</param>
    /// <param name="tag">The counter's second tag (its key is the one this counter was made with).</param>
    public void Add(long value, KeyValuePair<string, object?> camera, KeyValuePair<string, object?> tag) => Add(value, camera, tag, default);

    /// <param name="value">How much to add.</param>
    /// <param name="camera">The <c>camera</c> tag.</param>
    /// <param name="tag">The counter's second tag (its key is the one this counter was made with).</param>
    /// <param name="second">The counter's third tag, for a counter made with two more (line crossings: line, direction).</param>
    public void Add(long value, KeyValuePair<string, object?> camera, KeyValuePair<string, object?> tag, KeyValuePair<string, object?> second)
    {
        if (camera.Value is not string id || !_owner.IsTracked(id))
        {
            return;
        }

        var total = _totals.GetOrAdd((id, tag.Value as string, second.Value as string), static _ => new StrongBox<long>());
        Interlocked.Add(ref total.Value, value);
    }

    /// <summary>The total of one series (0 when it has none); for tests and status.</summary>
    public long Total(string camera, string? tag = null, string? second = null) =>
        _totals.TryGetValue((camera, tag, second), out var total) ? Interlocked.Read(ref total.Value) : 0;

    internal void Forget(string camera)
    {
        foreach (var key in _totals.Keys)
        {
            if (string.Equals(key.Camera, camera, StringComparison.Ordinal))
            {
                _totals.TryRemove(key, out _);
            }
        }
    }

    internal IEnumerable<Measurement<long>> Observe()
    {
        var measurements = new List<Measurement<long>>(_totals.Count);
        foreach (var (key, total) in _totals)
        {
            var value = Interlocked.Read(ref total.Value);
            var camera = new KeyValuePair<string, object?>("camera", key.Camera);
            measurements.Add(_tagName is null
                ? new Measurement<long>(value, camera)
                : _secondTagName is null
                    ? new Measurement<long>(value, camera, new KeyValuePair<string, object?>(_tagName, key.Tag))
                    : new Measurement<long>(value, camera, new KeyValuePair<string, object?>(_tagName, key.Tag), new KeyValuePair<string, object?>(_secondTagName, key.Second)));
        }

        return measurements;
    }
}
