using System.Text;

namespace VideoAnalytics.Gateway.Telemetry;

/// <summary>Registers the Prometheus endpoint and the optional OTLP export.</summary>
public static class TelemetryExtensions
{
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<PrometheusMetrics>();
        services.AddSingleton<OtlpExport>();
        services.AddHostedService(sp => sp.GetRequiredService<OtlpExport>());
        return services;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        // Resolved at start so the listener sees measurements from the first frame, not from the first scrape.
        var metrics = endpoints.ServiceProvider.GetRequiredService<PrometheusMetrics>();
        endpoints.MapGet("/metrics", () =>
            {
                var text = new StringBuilder(16 * 1024);
                metrics.Write(text);
                return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
            })
            .WithTags("Telemetry").WithName("Metrics")
            .WithSummary("Prometheus text exposition of the pipeline, HTTP and runtime metrics.")
            .RequireAuthorization(GatewayPolicies.Viewer);
        return endpoints;
    }
}
