using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>Registers what a silo's sink grains use: the keeper, the transports (webhook HttpClient), metrics.</summary>
public static class SinkServiceCollectionExtensions
{
    /// <summary>How long the resilience handler may keep one webhook request going (attempts included); each sink's own
    /// <c>timeoutSeconds</c> (at most <see cref="LongestWebhookTimeout"/>) ends it sooner.</summary>
    public static readonly TimeSpan LongestWebhookTimeout = TimeSpan.FromSeconds(60);

    public static IServiceCollection AddSinks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SinkOptions>().Bind(configuration.GetSection(SinkOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SinkOptions>, SinkOptionsValidator>();
        services.AddSingleton(sp => new SinkMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(new SinkHostGuard());
        services.AddSingleton<ISinkTransportFactory, SinkTransportFactory>();
        services.AddSingleton<SinkServices>();
        services.AddSingleton<SinkKeeper>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SinkKeeper>());

        // The split of retries: the standard handler retries a transient failure once, 200 ms later, inside the sink's
        // timeout (a dropped keep-alive connection, a 503 from a restarting receiver); everything longer is the sink
        // loop's exponential backoff from its checkpoint, so a receiver that is down costs two requests per backoff
        // step. One pipeline (so one circuit
        // breaker) per receiver authority: one dead receiver's open circuit does not fail the other sinks' requests.
        // Every connection goes through SinkHostGuard (resolve, refuse link-local, dial the checked addresses); pooled
        // connections are re-dialled every few minutes, so a receiver's changed DNS record is checked again too.
        services.AddHttpClient(SinkTransportFactory.WebhookClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectCallback = sp.GetRequiredService<SinkHostGuard>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .AddStandardResilienceHandler(o =>
            {
                o.Retry.MaxRetryAttempts = 1;
                o.Retry.Delay = TimeSpan.FromMilliseconds(200);
                o.AttemptTimeout.Timeout = LongestWebhookTimeout;
                o.TotalRequestTimeout.Timeout = LongestWebhookTimeout * 2;
                o.CircuitBreaker.SamplingDuration = LongestWebhookTimeout * 2;
            })
            .SelectPipelineByAuthority();
        return services;
    }
}
