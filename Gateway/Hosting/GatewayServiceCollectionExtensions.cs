using Microsoft.AspNetCore.Http.Json;
using VideoAnalytics.Gateway.Apis;
using VideoAnalytics.Gateway.Cameras;
using VideoAnalytics.Gateway.Security;
using VideoAnalytics.Gateway.Subscriptions;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Gateway.Hosting;

/// <summary>Registers and maps the gateway: HTTP API, subscriptions, security, problem details, OpenAPI.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.Configure<JsonOptions>(o => GatewayJson.Configure(o.SerializerOptions));
        services.AddOpenApi();
        services.AddGatewaySecurity(configuration);
        services.AddOptions<SubscriptionOptions>().Bind(configuration.GetSection(SubscriptionOptions.Section));
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<CameraRequestValidator>();
        services.AddHostedService<DemoCameraSeeder>();
        return services;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboard();
        app.UseCors(SecurityServiceCollectionExtensions.CorsPolicy);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapSiloHealth();
        app.MapCamerasApi();
        app.MapDetectionsApi();
        return app;
    }
}
