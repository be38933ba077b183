using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// Probes for orchestrators: <c>/livez</c> answers while the process runs; <c>/healthz</c> answers 200 once the
/// silo is in its cluster and its camera keeper has made one pass over the registry (ready to accept cameras) and 503 before; a process without a
/// silo (a cluster gateway) is ready once it listens.
/// </summary>
public static class SiloHealth
{
    public static IServiceCollection AddSiloHealth(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapSiloHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/livez", () => Results.Text("live")).WithName("Liveness").WithSummary("Liveness: the process is running.");
        // A cluster gateway hosts no keeper: it is ready as soon as it serves requests.
        endpoints.MapGet("/healthz", (IServiceProvider services) =>
                services.GetService<CameraKeeper>()?.IsReady ?? true
                    ? Results.Text("ready")
                    : Results.Problem("starting", statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("Readiness")
            .WithSummary("Readiness: 200 once the service can accept cameras.");
        return endpoints;
    }
}
