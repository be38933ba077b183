using Orleans.Hosting;
using Orleans.Providers;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Hosting;
using VideoAnalytics.Silo.Streams.Redis;
using ClusterOptions = VideoAnalytics.Silo.Cluster.ClusterOptions;

namespace VideoAnalytics.Silo.Streams;

/// <summary>
/// The Orleans stream provider that carries live detections (<see cref="DetectionStreamNames"/>), and the store of its
/// subscriptions (Orleans' pub-sub, storage <c>PubSubStore</c>). One process: Orleans' memory streams, subscriptions in
/// memory (they live exactly as long as the process that holds them). A cluster: our persistent provider over Redis
/// Streams (<see cref="RedisQueueAdapterFactory"/>), subscriptions in Redis, so they outlive the silo that served them.
/// </summary>
public static class DetectionStreamingExtensions
{
    public static ISiloBuilder AddDetectionStreams(this ISiloBuilder silo, ClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Provider == ClusterProvider.Redis)
        {
            silo.AddPersistentStreams(DetectionStreamNames.Provider, RedisQueueAdapterFactory.Create, _ => { });
            silo.AddRedisGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, o => o.ConfigurationOptions = OrleansRedis.Connection(cluster));
        }
        else
        {
            // One queue: the one silo reads every queue anyway, and each more queue only adds a poll every 100 ms
            // (measured: an idle all-in-one service at 7.0 % of a core with 8 queues, 5.4 % with 1).
            silo.AddMemoryStreams(DetectionStreamNames.Provider, streams => streams.ConfigurePartitioning(1));
            silo.AddMemoryGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
        }

        return silo;
    }

    /// <summary>A cluster gateway subscribes to the silos' live streams through the same provider.</summary>
    public static IClientBuilder AddDetectionStreams(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.AddPersistentStreams(DetectionStreamNames.Provider, RedisQueueAdapterFactory.Create, null);
    }
}
