using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Gateway.Telemetry;

/// <summary>
/// The meters and trace sources the service exports, at <c>/metrics</c> and over OTLP alike. ASP.NET Core's and the
/// runtime's come with their instrumentation packages (see <see cref="TelemetryExtensions"/>); another area's meter
/// (Orleans', say) is one more line here.
/// </summary>
public static class ServiceMeters
{
    public static IReadOnlyList<string> Meters { get; } =
    [
        PipelineMetrics.MeterName,
    ];

    public static IReadOnlyList<string> Sources { get; } = [PipelineTracing.SourceName];
}
