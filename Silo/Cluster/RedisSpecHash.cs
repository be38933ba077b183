using System.Text.Json;
using StackExchange.Redis;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// The machinery of a cluster registry (cameras, sinks): a Redis hash of id → spec JSON. Every successful change is
/// published on a channel in the same script that made it; every process (the writer too) raises <see cref="Changed"/>
/// from that channel, so all silos react within milliseconds. A message missed while Redis restarted is covered by the
/// keepers, which re-read the registry every few seconds.
/// </summary>
/// <typeparam name="T">The spec type, serialized with the web defaults.</typeparam>
internal sealed class RedisSpecHash<T>
    where T : class
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
    private readonly string _hash;
    private readonly string _channel;
    private readonly Func<T, string> _idOf;

    public RedisSpecHash(ClusterRedis redis, string hash, string channel, Func<T, string> idOf)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _hash = hash;
        _channel = channel;
        _idOf = idOf;
        Subscribed = redis.SubscribeAsync(RedisChannel.Literal(channel), (_, id) => Changed?.Invoke(id));
    }

    public event Action<string>? Changed;

    /// <summary>
    /// Completes once change announcements are being received (Redis confirmed the subscription); fails when Redis
    /// was away at the time, and the subscription is made once it is back.
    /// </summary>
    public Task Subscribed { get; }

    private IDatabase Database => _redis.Database;

    public async Task<IReadOnlyList<T>> ListAsync()
    {
        var entries = await Database.HashGetAllAsync(_hash);
        var specs = new List<T>(entries.Length);
        foreach (var entry in entries)
        {
            specs.Add(Deserialize(entry.Value));
        }

        specs.Sort((a, b) => string.CompareOrdinal(_idOf(a), _idOf(b)));
        return specs;
    }

    public async Task<T?> GetAsync(string id)
    {
        var value = await Database.HashGetAsync(_hash, id);
        return value.IsNull ? null : Deserialize(value);
    }

    public async Task<bool> AddAsync(T spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return (long)await Database.ScriptEvaluateAsync(AddScript, [_hash], [_idOf(spec), Serialize(spec), _channel]) == 1;
    }

    public async Task<bool> ReplaceAsync(T spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return (long)await Database.ScriptEvaluateAsync(ReplaceScript, [_hash], [_idOf(spec), Serialize(spec), _channel]) == 1;
    }

    public async Task<bool> RemoveAsync(string id) =>
        (long)await Database.ScriptEvaluateAsync(RemoveScript, [_hash], [id, _channel]) == 1;

    private static string Serialize(T spec) => JsonSerializer.Serialize(spec, Json);

    private static T Deserialize(RedisValue json) =>
        JsonSerializer.Deserialize<T>(json.IsNull ? "null" : json.ToString(), Json) ?? throw new InvalidDataException($"a null {typeof(T).Name} in Redis");
}
