using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// The cluster's camera registry: a Redis hash of id → CameraSpec JSON whose changes are announced on a channel
/// (<see cref="RedisSpecHash{T}"/>), so all silos react within milliseconds; keepers resync every few seconds.
/// </summary>
public sealed class RedisCameraRegistry : ICameraRegistry
{
    private readonly RedisSpecHash<CameraSpec> _hash;

    public RedisCameraRegistry(ClusterRedis redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _hash = new RedisSpecHash<CameraSpec>(redis, redis.Keys.Cameras, redis.Keys.CamerasChanged, s => s.Id);
    }

    public event Action<string>? Changed
    {
        add => _hash.Changed += value;
        remove => _hash.Changed -= value;
    }

    /// <summary>Completes once change announcements are being received (see <see cref="RedisSpecHash{T}.Subscribed"/>).</summary>
    public Task Subscribed => _hash.Subscribed;

    public Task<IReadOnlyList<CameraSpec>> ListAsync(CancellationToken cancellationToken = default) => _hash.ListAsync();

    public Task<CameraSpec?> GetAsync(string id, CancellationToken cancellationToken = default) => _hash.GetAsync(id);

    public Task<bool> AddAsync(CameraSpec spec, CancellationToken cancellationToken = default) => _hash.AddAsync(spec);

    public Task<bool> ReplaceAsync(CameraSpec spec, CancellationToken cancellationToken = default) => _hash.ReplaceAsync(spec);

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default) => _hash.RemoveAsync(id);
}
