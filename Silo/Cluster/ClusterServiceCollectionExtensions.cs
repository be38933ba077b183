using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Contracts.Sinks;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>Registers the Redis-backed providers (<c>Cluster:Provider = Redis</c>).</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>Registry, status board and detection streams on Redis: what silos and gateways share.</summary>
    public static IServiceCollection AddRedisProviders(this IServiceCollection services)
    {
        // One multiplexer per process, for whatever else needs Redis (a health check); its owner is ClusterRedis.
        services.AddSingleton<ClusterRedis>();
        services.AddSingleton<IConnectionMultiplexer>(sp => sp.GetRequiredService<ClusterRedis>().Multiplexer);
        services.AddSingleton<IDetectionStreams, RedisDetectionStreams>();
        services.AddSingleton<ICameraRegistry, RedisCameraRegistry>();
        services.AddSingleton<ISinkRegistry, RedisSinkRegistry>();
        services.AddSingleton<ICameraStatusBoard, RedisCameraStatusBoard>();
        return services;
    }
}
