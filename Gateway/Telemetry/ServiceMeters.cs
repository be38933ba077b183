using VideoAnalytics.Contracts.Telemetry;

namespace VideoAnalytics.Gateway.Telemetry;

/// <summary>
/// The meters and trace sources the service exports, at <c>/metrics</c> and over OTLP alike. ASP.NET Core's and the
/// runtime's come with their instrumentation packages (see <see cref="TelemetryExtensions"/>); Orleans' runtime meter
/// (activations, messaging, membership: <c>orleans_*</c> series) is the silo's in this process, or the client's in a
/// cluster gateway.
/// </summary>
public static class ServiceMeters
{
    public static IReadOnlyList<string> Meters { get; } =
    [
        PipelineTelemetryNames.Meter,
        CameraStateMetrics.MeterName,
        OrleansMeterName,
    ];

    /// <summary>The meter Orleans creates for its runtime instruments.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    public static IReadOnlyList<string> Sources { get; } = [PipelineTelemetryNames.Source];
}
