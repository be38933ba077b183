using System.Globalization;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace VideoAnalytics.Gateway.Telemetry;

/// <summary>
/// OpenTelemetry for the service: the <see cref="ServiceMeters"/> plus ASP.NET Core's and the runtime's instruments,
/// scraped at <c>/metrics</c> by the Prometheus exporter, and with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set also pushed
/// over OTLP together with the pipeline's and ASP.NET Core's traces. The OTLP exporter reads the standard
/// <c>OTEL_EXPORTER_OTLP_*</c> variables (protocol, headers); <c>OTEL_SERVICE_NAME</c> names the service.
/// </summary>
public static class TelemetryExtensions
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string DefaultServiceName = "videoanalytics";

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        var otlp = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable));
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource =>
        {
            // An explicit service name would override OTEL_SERVICE_NAME, which the default resource already reads.
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
            {
                resource.AddService(DefaultServiceName);
            }
        });
        telemetry.WithMetrics(metrics =>
        {
            foreach (var meter in ServiceMeters.Meters)
            {
                metrics.AddMeter(meter);
            }

            metrics.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddPipelineViews();

            // Series keep only their own labels (no otel_scope_* on every sample), as dashboards and alerts expect.
            metrics.AddPrometheusExporter(o => o.ScopeInfoEnabled = false);
            if (otlp)
            {
                metrics.AddOtlpExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = ExportInterval());
            }
        });

        // Spans are only worth creating when someone receives them: without OTLP, tracing stays off.
        if (otlp)
        {
            telemetry.WithTracing(tracing =>
            {
                foreach (var source in ServiceMeters.Sources)
                {
                    tracing.AddSource(source);
                }

                tracing.AddAspNetCoreInstrumentation().AddOtlpExporter();
            });
        }

        return services;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        // The exporter's own pipeline behind an ordinary GET route: MapPrometheusScrapingEndpoint maps a bare request
        // delegate, which the OpenAPI document leaves out.
        var scrape = endpoints.CreateApplicationBuilder().UseOpenTelemetryPrometheusScrapingEndpoint(_ => true).Build();
        endpoints.MapGet("/metrics", (HttpContext context, CancellationToken _) => scrape(context))
            .WithTags("Telemetry").WithName("Metrics")
            .WithSummary("Prometheus text exposition of the pipeline, HTTP and runtime metrics (OpenTelemetry's exporter).")
            .RequireAuthorization(GatewayPolicies.Viewer);
        return endpoints;
    }

    // OTEL_METRIC_EXPORT_INTERVAL is read here from the environment: the SDK takes it from IConfiguration, so it
    // would depend on which configuration sources a host (all-in-one gateway, test host) happens to add.
    private static int ExportInterval() =>
        int.TryParse(Environment.GetEnvironmentVariable("OTEL_METRIC_EXPORT_INTERVAL"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? ms
            : new PeriodicExportingMetricReaderOptions().ExportIntervalMilliseconds ?? 60_000;
}
