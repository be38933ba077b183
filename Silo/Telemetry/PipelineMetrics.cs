using System.Diagnostics.Metrics;
using VideoAnalytics.Contracts.Telemetry;

namespace VideoAnalytics.Silo.Telemetry;

/// <summary>
/// The pipeline's instruments (meter <c>VideoAnalytics.Pipeline</c>). Per-camera series carry a
/// <c>camera</c> tag; drops also carry a <c>reason</c> (<c>replaced</c>: a newer frame arrived before
/// inference took it; <c>stale</c>: older than the staleness limit; <c>sampled</c> is not a drop — frames
/// skipped to reach the target fps are simply not captured).
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = PipelineTelemetryNames.Meter;

    private readonly Meter _meter;

    public PipelineMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        FramesCaptured = _meter.CreateCounter<long>("va.camera.frames.captured", "{frame}", "Frames decoded from camera sources and handed to inference");
        FramesDropped = _meter.CreateCounter<long>("va.camera.frames.dropped", "{frame}", "Frames dropped before inference, by reason");
        FramesProcessed = _meter.CreateCounter<long>("va.camera.frames.processed", "{frame}", "Frames analysed and published");
        Reconnects = _meter.CreateCounter<long>("va.camera.reconnects", "{reconnect}", "Source reconnect attempts");
        Detections = _meter.CreateCounter<long>("va.detections", "{detection}", "Published detections by camera and class");
        BatchSize = _meter.CreateHistogram<int>("va.inference.batch.size", "{frame}", "Frames per inference batch");
        InferenceLatency = _meter.CreateHistogram<double>("va.inference.latency", "ms", "Model run time per batch (pre-processing, session, decode)");
        CaptureToPublish = _meter.CreateHistogram<double>("va.pipeline.capture_to_publish", "ms", "Capture to publication latency per frame");
    }

    public Counter<long> FramesCaptured { get; }

    public Counter<long> FramesDropped { get; }

    public Counter<long> FramesProcessed { get; }

    public Counter<long> Reconnects { get; }

    public Counter<long> Detections { get; }

    public Histogram<int> BatchSize { get; }

    public Histogram<double> InferenceLatency { get; }

    public Histogram<double> CaptureToPublish { get; }

    /// <summary>Registers an observable gauge (queue depth, camera counts) on this meter.</summary>
    public void ObserveGauge(string name, string unit, string description, Func<IEnumerable<Measurement<long>>> observe) =>
        _meter.CreateObservableGauge(name, observe, unit, description);

    public void Dispose() => _meter.Dispose();
}
