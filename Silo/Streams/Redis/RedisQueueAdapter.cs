using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using StackExchange.Redis;
using VideoAnalytics.Silo.Cluster;

namespace VideoAnalytics.Silo.Streams.Redis;

/// <summary>
/// Writes a live stream's events to its queue: one Redis Stream per queue (streams are hashed onto queues by Orleans'
/// queue mapper), one entry per producer call, capped at <see cref="StreamOptions.LiveQueueLength"/> entries. The queue
/// carries live frames only; the record with positions is the camera's history stream, so a queue need not outlive a
/// reader that is behind: it reads on from the newest entry when it starts.
/// </summary>
public sealed class RedisQueueAdapter(
    string name, ClusterRedis redis, IStreamQueueMapper mapper, Serializer<RedisQueueBatch> serializer, int queueLength, ILoggerFactory loggerFactory)
    : IQueueAdapter
{
    /// <summary>The one field of a queue entry: the serialized batch.</summary>
    internal const string Field = "b";

    public string Name => name;

    /// <summary>
    /// Not rewindable: replay of a camera reads its stored history by position (<see cref="Contracts.Detections.IDetectionStreams"/>),
    /// which keeps days where a queue keeps seconds.
    /// </summary>
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("the live detection queues assign their own positions; a producer token is not supported", nameof(token));
        }

        var batch = new RedisQueueBatch(streamId, [.. events.Cast<object>()], requestContext);
        var queue = mapper.GetQueueForStream(streamId);
        await redis.Database.StreamAddAsync(
            redis.Keys.LiveQueue(queue.GetNumericId()), Field, serializer.SerializeToArray(batch), maxLength: queueLength, useApproximateMaxLength: true);
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new RedisQueueReceiver(redis, redis.Keys.LiveQueue(queueId.GetNumericId()), serializer, loggerFactory.CreateLogger<RedisQueueReceiver>());
}
