using Microsoft.AspNetCore.Http.Json;
using VideoAnalytics.Gateway.Apis;
using VideoAnalytics.Gateway.Cameras;
using VideoAnalytics.Gateway.Live;
using VideoAnalytics.Gateway.Security;
using VideoAnalytics.Gateway.Subscriptions;
using VideoAnalytics.Gateway.Telemetry;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Gateway.Hosting;

/// <summary>Registers and maps the gateway: HTTP API, subscriptions, security, problem details, OpenAPI.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>An Orleans silo in this process (all-in-one), or the shared providers and an Orleans client when <c>Gateway:HostSilo</c> is false.</summary>
    public static IHostApplicationBuilder AddGatewaySilo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section));
        if (configuration.GetSection(GatewayOptions.Section).GetValue(nameof(GatewayOptions.HostSilo), true))
        {
            builder.AddSiloHost();
        }
        else
        {
            builder.Services.AddSiloProviders(configuration);
            builder.AddClusterClient();
        }

        return builder;
    }

    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<JsonOptions>(o => GatewayJson.Configure(o.SerializerOptions));
        services.AddOpenApi(o => o.AddApiDocumentation());
        services.AddGatewaySecurity(configuration);
        services.AddOptions<SubscriptionOptions>().Bind(configuration.GetSection(SubscriptionOptions.Section));
        services.AddOptions<LiveOptions>().Bind(configuration.GetSection(LiveOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddGatewayTelemetry();
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<CameraRequestValidator>();
        services.AddSingleton<LiveDetectionHub>();
        services.AddHostedService<DemoCameraSeeder>();
        services.AddHostedService<CameraStateMetrics>();
        return services;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Kestrel reports an over-limit body (and other malformed requests) as BadHttpRequestException: answered
        // with its status code as ProblemDetails and one warning line by BadRequestExceptionHandler, not a 500.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseRequestTargetGuard();
        app.UseDashboard();
        app.UseCors(SecurityServiceCollectionExtensions.CorsPolicy);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseWebSockets();
        app.MapOpenApi();
        app.MapSiloHealth();
        app.MapCamerasApi();
        app.MapSinksApi();
        app.MapDetectionsApi();
        app.MapHistoryApi();
        app.MapEventsApi();
        app.MapDetectApi();
        app.MapInferenceApi();
        app.MapLiveApi();
        app.MapMetrics();
        app.MapOrleansConsole();
        return app;
    }
}
