using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Streams;

/// <summary>
/// The cluster form: our persistent stream provider over a real redis-server, two silos (the queue a camera hashes onto
/// may be read by either), the gateway an Orleans client of its own.
/// </summary>
public sealed class RedisLiveDetectionsTests : LiveDetectionsContract, IDisposable
{
    private readonly RedisServer _redis = new();

    public void Dispose() => _redis.Dispose();

    protected override async Task<TestCluster> DeployAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.Properties["Cluster:Provider"] = "Redis";
        builder.Properties["Cluster:Redis"] = _redis.Connection;
        builder.Properties["Cluster:KeyPrefix"] = "live" + Guid.NewGuid().ToString("N")[..8] + ":";
        builder.AddSiloBuilderConfigurator<RedisSilo>();
        builder.AddClientBuilderConfigurator<RedisClient>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    protected override IClusterClient GatewayClient(TestCluster cluster) => cluster.Client;

    private static void AddRedis(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section));
        services.AddOptions<StreamOptions>();
        services.AddSingleton<ClusterRedis>();
    }

    private sealed class RedisSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            AddRedis(siloBuilder.Services, siloBuilder.Configuration);
            siloBuilder.Services.AddSingleton<IDetectionStreams, RedisDetectionStreams>();
            siloBuilder.Services.AddSingleton<DetectionPublisher>();
            siloBuilder.AddDetectionStreams(siloBuilder.Configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>()!);
        }
    }

    private sealed class RedisClient : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
        {
            AddRedis(clientBuilder.Services, configuration);
            clientBuilder.AddDetectionStreams();
        }
    }
}
