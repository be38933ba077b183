using Microsoft.Extensions.DependencyInjection;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>Registers the Redis-backed providers (<c>Cluster:Provider = Redis</c>).</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>Registry, status board and detection streams on Redis: what silos and gateways share.</summary>
    public static IServiceCollection AddRedisProviders(this IServiceCollection services)
    {
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<IDetectionStreams, RedisDetectionStreams>();
        services.AddSingleton<ICameraRegistry, RedisCameraRegistry>();
        services.AddSingleton<ICameraStatusBoard, RedisCameraStatusBoard>();
        return services;
    }

    /// <summary>Membership and leased placement: what makes a process a silo of the cluster.</summary>
    public static IServiceCollection AddRedisOwnership(this IServiceCollection services)
    {
        services.AddSingleton<ClusterMembership>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterMembership>());
        services.AddSingleton<RedisCameraOwnership>();
        services.AddSingleton<ICameraOwnership>(sp => sp.GetRequiredService<RedisCameraOwnership>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisCameraOwnership>());
        return services;
    }
}
