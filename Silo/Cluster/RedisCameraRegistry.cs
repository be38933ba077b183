using System.Text.Json;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Silo.Cluster.Resp;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// The cluster's camera registry: a Redis hash of id → CameraSpec JSON. Every successful change is published on a
/// channel in the same script that made it; every process (the writer too) raises <see cref="Changed"/> from that
/// channel, so all silos react within milliseconds. A message missed while Redis restarted is covered by the
/// supervisor's periodic resync.
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

    private readonly RedisConnection _redis;

    public RedisCameraRegistry(RedisConnection redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        Subscribed = redis.Subscriber.SubscribeAsync(redis.Keys.CamerasChanged, (_, id) => Changed?.Invoke(id));
    }

    public event Action<string>? Changed;

    /// <summary>Completes once change announcements are being received (Redis confirmed the subscription).</summary>
    public Task Subscribed { get; }

    private ClusterKeys Keys => _redis.Keys;

    public async Task<IReadOnlyList<CameraSpec>> ListAsync(CancellationToken cancellationToken = default)
    {
        var flat = (await _redis.ExecuteAsync("HGETALL", Keys.Cameras)).ToArray();
        var specs = new List<CameraSpec>(flat.Length / 2);
        for (var i = 1; i < flat.Length; i += 2)
        {
            specs.Add(Deserialize(flat[i].Text));
        }

        specs.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return specs;
    }

    public async Task<CameraSpec?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var value = await _redis.ExecuteAsync("HGET", Keys.Cameras, id);
        return value.IsNull ? null : Deserialize(value.Text);
    }

    public async Task<bool> AddAsync(CameraSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return (await _redis.EvalAsync(AddScript, [Keys.Cameras], spec.Id, Serialize(spec), Keys.CamerasChanged)).ToInt64() == 1;
    }

    public async Task<bool> ReplaceAsync(CameraSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return (await _redis.EvalAsync(ReplaceScript, [Keys.Cameras], spec.Id, Serialize(spec), Keys.CamerasChanged)).ToInt64() == 1;
    }

    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default) =>
        (await _redis.EvalAsync(RemoveScript, [Keys.Cameras], id, Keys.CamerasChanged)).ToInt64() == 1;

    private static string Serialize(CameraSpec spec) => JsonSerializer.Serialize(spec, Json);

    private static CameraSpec Deserialize(string? json) =>
        JsonSerializer.Deserialize<CameraSpec>(json ?? "null", Json) ?? throw new InvalidDataException("a null camera spec in Redis");
}
