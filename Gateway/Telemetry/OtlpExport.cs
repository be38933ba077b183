using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace VideoAnalytics.Gateway.Telemetry;

/// <summary>
/// Exports the service's metrics and pipeline traces over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (the exporter reads the standard <c>OTEL_*</c> variables: protocol, headers, intervals). The providers are
/// built by hand because OpenTelemetry.Extensions.Hosting is not on our feed; stopping flushes and disposes them.
/// </summary>
public sealed partial class OtlpExport(ILogger<OtlpExport> logger) : IHostedService, IDisposable
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private MeterProvider? _meters;
    private TracerProvider? _traces;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return Task.CompletedTask;
        }

        var service = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } named ? named : "videoanalytics";
        var meters = Sdk.CreateMeterProviderBuilder().ConfigureResource(r => r.AddService(service));
        foreach (var meter in ServiceMeters.Meters)
        {
            meters.AddMeter(meter);
        }

        _meters = meters.AddOtlpExporter((_, reader) =>
        {
            // Honour OTEL_METRIC_EXPORT_INTERVAL explicitly: some SDK paths only read it through IConfiguration.
            if (int.TryParse(Environment.GetEnvironmentVariable("OTEL_METRIC_EXPORT_INTERVAL"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0)
            {
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = ms;
            }
        }).Build();
        var traces = Sdk.CreateTracerProviderBuilder().ConfigureResource(r => r.AddService(service));
        foreach (var source in ServiceMeters.Sources)
        {
            traces.AddSource(source);
        }

        _traces = traces.AddOtlpExporter().Build();
        LogExporting(endpoint);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _meters?.ForceFlush(2000);
        _traces?.ForceFlush(2000);
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _meters?.Dispose();
        _traces?.Dispose();
        _meters = null;
        _traces = null;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Exporting metrics and traces over OTLP to {Endpoint}")]
    private partial void LogExporting(string endpoint);
}
