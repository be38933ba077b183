using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Gateway.Telemetry;

/// <summary>The meters and trace sources the service exports (Prometheus text and OTLP alike).</summary>
public static class ServiceMeters
{
    public static IReadOnlyList<string> Meters { get; } =
    [
        PipelineMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Runtime",
    ];

    public static IReadOnlyList<string> Sources { get; } = [PipelineTracing.SourceName];
}
