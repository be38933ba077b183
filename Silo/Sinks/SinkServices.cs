using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>What a sink's delivery loop uses, one bundle per silo (the grain passes it to each <see cref="SinkDelivery"/>).</summary>
public sealed class SinkServices(
    IDetectionStreams streams,
    ICameraRegistry cameras,
    ICameraStatusBoard statusBoard,
    ISinkTransportFactory transports,
    IClusterClient client,
    SinkMetrics metrics,
    TimeProvider time,
    IOptions<SinkOptions> options,
    ILoggerFactory loggers)
{
    public SinkOptions Options { get; } = options.Value;

    public IDetectionStreams Streams { get; } = streams;

    public ICameraRegistry Cameras { get; } = cameras;

    public ICameraStatusBoard StatusBoard { get; } = statusBoard;

    public ISinkTransportFactory Transports { get; } = transports;

    public IClusterClient Client { get; } = client;

    public SinkMetrics Metrics { get; } = metrics;

    public TimeProvider Time { get; } = time;

    public ILoggerFactory Loggers { get; } = loggers;
}
