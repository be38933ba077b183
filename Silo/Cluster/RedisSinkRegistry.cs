using VideoAnalytics.Contracts.Sinks;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>The cluster's sink registry: a Redis hash of id → SinkSpec JSON, announced like cameras (<see cref="RedisSpecHash{T}"/>).</summary>
public sealed class RedisSinkRegistry : ISinkRegistry
{
    private readonly RedisSpecHash<SinkSpec> _hash;

    public RedisSinkRegistry(ClusterRedis redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _hash = new RedisSpecHash<SinkSpec>(redis, redis.Keys.Sinks, redis.Keys.SinksChanged, s => s.Id);
    }

    public event Action<string>? Changed
    {
        add => _hash.Changed += value;
        remove => _hash.Changed -= value;
    }

    /// <summary>Completes once change announcements are being received.</summary>
    public Task Subscribed => _hash.Subscribed;

    public Task<IReadOnlyList<SinkSpec>> ListAsync(CancellationToken cancellationToken = default) => _hash.ListAsync();

    public Task<SinkSpec?> GetAsync(string id, CancellationToken cancellationToken = default) => _hash.GetAsync(id);

    public Task<bool> AddAsync(SinkSpec spec, CancellationToken cancellationToken = default) => _hash.AddAsync(spec);

    public Task<bool> ReplaceAsync(SinkSpec spec, CancellationToken cancellationToken = default) => _hash.ReplaceAsync(spec);

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default) => _hash.RemoveAsync(id);
}
