using System.Text.Json;
using StackExchange.Redis;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>Camera status shared by silos (writers) and gateways (readers): a Redis hash of id → CameraStatus JSON.</summary>
public sealed class RedisCameraStatusBoard(ClusterRedis redis) : ICameraStatusBoard
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task ReportAsync(CameraStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        return redis.Database.HashSetAsync(redis.Keys.Status, status.Id, JsonSerializer.Serialize(status, Json));
    }

    public async Task<CameraStatus?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var value = await redis.Database.HashGetAsync(redis.Keys.Status, id);
        return value.IsNull ? null : Deserialize(value);
    }

    public async Task<IReadOnlyList<CameraStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        var entries = await redis.Database.HashGetAllAsync(redis.Keys.Status);
        var statuses = new List<CameraStatus>(entries.Length);
        foreach (var entry in entries)
        {
            statuses.Add(Deserialize(entry.Value));
        }

        statuses.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return statuses;
    }

    public Task RemoveAsync(string id, CancellationToken cancellationToken = default) =>
        redis.Database.HashDeleteAsync(redis.Keys.Status, id);

    private static CameraStatus Deserialize(RedisValue json) =>
        JsonSerializer.Deserialize<CameraStatus>(json.IsNull ? "null" : json.ToString(), Json) ?? throw new InvalidDataException("a null camera status in Redis");
}
