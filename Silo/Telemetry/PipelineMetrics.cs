using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using VideoAnalytics.Contracts.Telemetry;

namespace VideoAnalytics.Silo.Telemetry;

/// <summary>
/// The pipeline's instruments (meter <c>VideoAnalytics.Pipeline</c>). Per-camera series carry a
/// <c>camera</c> tag; drops also carry a <c>reason</c> (<c>replaced</c>: a newer frame arrived before
/// inference took it; <c>stale</c>: older than the staleness limit; <c>sampled</c> is not a drop — frames
/// skipped to reach the target fps are simply not captured).
/// </summary>
/// <remarks>
/// A silo reports the cameras it runs: a camera's series start when its capture starts here (<see cref="Track"/>) and
/// end when its grain leaves the silo — removed, switched off, moved — (<see cref="Forget"/>); a camera that starts
/// again counts from 0, which Prometheus' <c>rate</c> and <c>increase</c> read as a counter reset. Per-camera counters
/// are <see cref="CameraCounter"/>s for that reason; the capture-to-publish latency is tagged by device, not camera,
/// because a histogram cannot drop a series.
/// </remarks>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = PipelineTelemetryNames.Meter;

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, byte> _tracked = new(StringComparer.Ordinal);

    public PipelineMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        FramesCaptured = CreateCameraCounter("va.camera.frames.captured", null, "{frame}", "Frames decoded from camera sources and handed to inference");
        FramesDropped = CreateCameraCounter("va.camera.frames.dropped", "reason", "{frame}", "Frames dropped before inference, by reason");
        FramesProcessed = CreateCameraCounter("va.camera.frames.processed", null, "{frame}", "Frames analysed and published");
        Reconnects = CreateCameraCounter("va.camera.reconnects", null, "{reconnect}", "Source reconnect attempts");
        Detections = CreateCameraCounter("va.detections", "class", "{detection}", "Published detections by camera and class");
        LineCrossings = CreateCameraCounter("va.line.crossings", "line", "{crossing}", "Tracked objects crossing a counting line, by camera, line and direction (in, out)", "direction");
        BatchSize = _meter.CreateHistogram<int>("va.inference.batch.size", "{frame}", "Frames per inference batch");
        InferenceLatency = _meter.CreateHistogram<double>("va.inference.latency", "ms", "Model run time per batch (pre-processing, session, decode)");
        CaptureToPublish = _meter.CreateHistogram<double>("va.pipeline.capture_to_publish", "ms", "Capture to publication latency per frame, by inference device");
    }

    public CameraCounter FramesCaptured { get; }

    public CameraCounter FramesDropped { get; }

    public CameraCounter FramesProcessed { get; }

    public CameraCounter Reconnects { get; }

    public CameraCounter Detections { get; }

    /// <summary>
    /// Crossings the scene analyzer reports (tags <c>line</c>, <c>direction</c>). Its series stay while the camera runs
    /// here, a removed line's too: a counter that vanished and came back would read as a reset of a new series.
    /// </summary>
    public CameraCounter LineCrossings { get; }

    public Histogram<int> BatchSize { get; }

    public Histogram<double> InferenceLatency { get; }

    public Histogram<double> CaptureToPublish { get; }

    /// <summary>Registers an observable gauge (queue depth, zone occupancy) on this meter.</summary>
    public void ObserveGauge(string name, string unit, string description, Func<IEnumerable<Measurement<long>>> observe) =>
        _meter.CreateObservableGauge(name, observe, unit, description);

    /// <summary>The camera runs on this silo from now on: its counters count.</summary>
    public void Track(string camera) => _tracked[camera] = 0;

    /// <summary>The camera left this silo: its series are no longer reported (and frames still in flight not counted).</summary>
    public void Forget(string camera)
    {
        _tracked.TryRemove(camera, out _);
        foreach (var counter in new[] { FramesCaptured, FramesDropped, FramesProcessed, Reconnects, Detections, LineCrossings })
        {
            counter.Forget(camera);
        }
    }

    internal bool IsTracked(string camera) => _tracked.ContainsKey(camera);

    public void Dispose() => _meter.Dispose();

    private CameraCounter CreateCameraCounter(string name, string? tag, string unit, string description, string? secondTag = null)
    {
        var counter = new CameraCounter(this, tag, secondTag);
        _meter.CreateObservableCounter(name, counter.Observe, unit, description);
        return counter;
    }
}
