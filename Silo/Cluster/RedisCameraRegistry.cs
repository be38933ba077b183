using System.Text.Json;
using StackExchange.Redis;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// The cluster's camera registry: a Redis hash of id → CameraSpec JSON. Every successful change is published on a
/// channel in the same script that made it; every process (the writer too) raises <see cref="Changed"/> from that
/// channel, so all silos react within milliseconds. A message missed while Redis restarted is covered by every
/// silo's camera keeper, which re-reads the registry every few seconds.
/// </summary>
public sealed class RedisCameraRegistry : ICameraRegistry
{
    private const string AddScript = """
        if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
        redis.call('PUBLISH', ARGV[3], ARGV[1])
        return 1
        """;

    private const string ReplaceScript = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('PUBLISH', ARGV[3], ARGV[1])
        return 1
        """;

    private const string RemoveScript = """
        if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('PUBLISH', ARGV[2], ARGV[1])
        return 1
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ClusterRedis _redis;

    public RedisCameraRegistry(ClusterRedis redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        Subscribed = redis.SubscribeAsync(RedisChannel.Literal(redis.Keys.CamerasChanged), (_, id) => Changed?.Invoke(id));
    }

    public event Action<string>? Changed;

    /// <summary>
    /// Completes once change announcements are being received (Redis confirmed the subscription); fails when Redis
    /// was away at the time, and the subscription is made once it is back.
    /// </summary>
    public Task Subscribed { get; }

    private ClusterKeys Keys => _redis.Keys;

    private IDatabase Database => _redis.Database;

    public async Task<IReadOnlyList<CameraSpec>> ListAsync(CancellationToken cancellationToken = default)
    {
        var entries = await Database.HashGetAllAsync(Keys.Cameras);
        var specs = new List<CameraSpec>(entries.Length);
        foreach (var entry in entries)
        {
            specs.Add(Deserialize(entry.Value));
        }

        specs.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return specs;
    }

    public async Task<CameraSpec?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var value = await Database.HashGetAsync(Keys.Cameras, id);
        return value.IsNull ? null : Deserialize(value);
    }

    public async Task<bool> AddAsync(CameraSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return (long)await Database.ScriptEvaluateAsync(AddScript, [Keys.Cameras], [spec.Id, Serialize(spec), Keys.CamerasChanged]) == 1;
    }

    public async Task<bool> ReplaceAsync(CameraSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return (long)await Database.ScriptEvaluateAsync(ReplaceScript, [Keys.Cameras], [spec.Id, Serialize(spec), Keys.CamerasChanged]) == 1;
    }

    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default) =>
        (long)await Database.ScriptEvaluateAsync(RemoveScript, [Keys.Cameras], [id, Keys.CamerasChanged]) == 1;

    private static string Serialize(CameraSpec spec) => JsonSerializer.Serialize(spec, Json);

    private static CameraSpec Deserialize(RedisValue json) =>
        JsonSerializer.Deserialize<CameraSpec>(json.IsNull ? "null" : json.ToString(), Json) ?? throw new InvalidDataException("a null camera spec in Redis");
}
