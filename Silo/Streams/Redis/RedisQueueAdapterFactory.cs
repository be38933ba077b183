using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;
using VideoAnalytics.Silo.Cluster;

namespace VideoAnalytics.Silo.Streams.Redis;

/// <summary>
/// Orleans' entry point to our persistent stream provider over Redis Streams (no Orleans Redis stream provider is
/// served, FACTS.md): queues hashed over <see cref="StreamOptions.LiveQueues"/> Redis Streams, Orleans' simple queue
/// cache in front of each, failed deliveries dropped (the history has them).
/// </summary>
public sealed class RedisQueueAdapterFactory(
    string name, ClusterRedis redis, Serializer<RedisQueueBatch> serializer, StreamOptions options, ILoggerFactory loggerFactory)
    : IQueueAdapterFactory
{
    private readonly HashRingBasedStreamQueueMapper _mapper = new(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.LiveQueues }, name);
    private readonly SimpleQueueAdapterCache _cache = new(new SimpleQueueCacheOptions { CacheSize = options.LiveQueueCache }, name, loggerFactory);
    private readonly Task<IStreamFailureHandler> _failures = Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());

    /// <summary>What <c>AddPersistentStreams</c> calls, on silos and on cluster clients.</summary>
    public static RedisQueueAdapterFactory Create(IServiceProvider services, string name) =>
        new(name,
            services.GetRequiredService<ClusterRedis>(),
            services.GetRequiredService<Serializer<RedisQueueBatch>>(),
            services.GetRequiredService<IOptions<StreamOptions>>().Value,
            services.GetRequiredService<ILoggerFactory>());

    [Obsolete("Orleans calls the overload with a cancellation token.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        Task.FromResult<IQueueAdapter>(new RedisQueueAdapter(name, redis, _mapper, serializer, options.LiveQueueLength, loggerFactory));

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => _failures;
}
