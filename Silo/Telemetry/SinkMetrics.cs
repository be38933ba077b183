using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Contracts.Telemetry;

namespace VideoAnalytics.Silo.Telemetry;

/// <summary>
/// Event sinks' instruments, on the pipeline meter (<c>VideoAnalytics.Pipeline</c>, already exported): messages
/// delivered and failed send attempts per sink, and per sink and camera the lag behind the camera's newest frame in
/// positions and seconds. A silo reports the sinks it runs (<see cref="Track"/> … <see cref="Forget"/>).
/// </summary>
public sealed class SinkMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _gaps;
    private readonly ConcurrentDictionary<string, Func<IReadOnlyList<SinkCameraStatus>>> _sinks = new(StringComparer.Ordinal);

    public SinkMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(PipelineTelemetryNames.Meter) ?? new Meter(PipelineTelemetryNames.Meter);
        _delivered = _meter.CreateCounter<long>("va.sink.messages.delivered", "{message}", "Messages a sink's receiver took, by sink");
        _failed = _meter.CreateCounter<long>("va.sink.send.failures", "{attempt}", "Failed send attempts of a sink (each is retried with backoff), by sink");
        _gaps = _meter.CreateCounter<long>("va.sink.retention.gaps", "{gap}", "Retention gaps a sink met (frames deleted before it delivered them), by sink and camera");
        _meter.CreateObservableGauge("va.sink.lag.positions", () => Lag(c => c.LagPositions), "{frame}", "Frames between a sink's checkpoint and the camera's newest, by sink and camera");
        _meter.CreateObservableGauge("va.sink.lag.seconds", () => Lag(c => c.LagSeconds), "s", "Capture time of the camera's newest frame minus that of the last one a sink delivered");
    }

    public void Track(string sink, Func<IReadOnlyList<SinkCameraStatus>> cameras) => _sinks[sink] = cameras;

    public void Forget(string sink) => _sinks.TryRemove(sink, out _);

    public void Delivered(string sink, int messages) => _delivered.Add(messages, new KeyValuePair<string, object?>("sink", sink));

    public void Failed(string sink) => _failed.Add(1, new KeyValuePair<string, object?>("sink", sink));

    public void Gap(string sink, string camera) =>
        _gaps.Add(1, new KeyValuePair<string, object?>("sink", sink), new KeyValuePair<string, object?>("camera", camera));

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> Lag(Func<SinkCameraStatus, double?> value)
    {
        foreach (var (sink, cameras) in _sinks)
        {
            foreach (var camera in cameras())
            {
                if (value(camera) is { } lag)
                {
                    yield return new Measurement<double>(lag, new KeyValuePair<string, object?>("sink", sink), new KeyValuePair<string, object?>("camera", camera.Camera));
                }
            }
        }
    }
}
