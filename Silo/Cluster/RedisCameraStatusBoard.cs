using System.Text.Json;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>Camera status shared by silos (writers) and gateways (readers): a Redis hash of id → CameraStatus JSON.</summary>
public sealed class RedisCameraStatusBoard(RedisConnection redis) : ICameraStatusBoard
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task ReportAsync(CameraStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        return redis.ExecuteAsync("HSET", redis.Keys.Status, status.Id, JsonSerializer.Serialize(status, Json));
    }

    public async Task<CameraStatus?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var value = await redis.ExecuteAsync("HGET", redis.Keys.Status, id);
        return value.IsNull ? null : Deserialize(value.Text);
    }

    public async Task<IReadOnlyList<CameraStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        var flat = (await redis.ExecuteAsync("HGETALL", redis.Keys.Status)).ToArray();
        var statuses = new List<CameraStatus>(flat.Length / 2);
        for (var i = 1; i < flat.Length; i += 2)
        {
            statuses.Add(Deserialize(flat[i].Text));
        }

        statuses.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return statuses;
    }

    public Task RemoveAsync(string id, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync("HDEL", redis.Keys.Status, id);

    private static CameraStatus Deserialize(string? json) =>
        JsonSerializer.Deserialize<CameraStatus>(json ?? "null", Json) ?? throw new InvalidDataException("a null camera status in Redis");
}
