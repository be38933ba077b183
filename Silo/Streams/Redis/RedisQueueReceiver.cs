using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Streams;
using StackExchange.Redis;
using VideoAnalytics.Silo.Cluster;

namespace VideoAnalytics.Silo.Streams.Redis;

/// <summary>
/// Reads one live queue for the pulling agent that owns it (Orleans balances queues over the silos and moves them when
/// a silo dies). It starts after the queue's newest entry, and remembers what it read only in memory: events written
/// while no agent read the queue are not delivered live, and subscribers find them in the stored history (they see
/// the gap in <see cref="Contracts.Detections.LiveDetection.Previous"/>).
/// </summary>
/// <remarks>
/// The pulling agent polls (every 100 ms by default) instead of a blocking XREAD: the multiplexer's one command
/// connection is shared, and a blocking command would hold every other caller up.
/// </remarks>
public sealed partial class RedisQueueReceiver(ClusterRedis redis, string key, Serializer<RedisQueueBatch> serializer, ILogger<RedisQueueReceiver> logger)
    : IQueueAdapterReceiver
{
    private static readonly IList<IBatchContainer> Nothing = Array.Empty<IBatchContainer>();
    private string? _after;
    private bool _unavailable;

    public async Task Initialize(TimeSpan timeout)
    {
        try
        {
            var newest = await redis.Database.StreamRangeAsync(key, "-", "+", 1, Order.Descending);
            _after = newest.Length > 0 ? newest[0].Id.ToString() : "0-0";
        }
        catch (RedisException e)
        {
            // Redis away at start: begin with whatever is newest once it answers (see GetQueueMessagesAsync).
            MarkUnavailable(e);
        }
    }

    [Obsolete("Orleans calls the overload with a cancellation token.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        try
        {
            if (_after is null)
            {
                await Initialize(TimeSpan.Zero);
                return Nothing;
            }

            // "(id": exclusive start (Redis 6.2+). maxCount is Orleans' batch size (a negative one means "any").
            var entries = await redis.Database.StreamRangeAsync(key, "(" + _after, "+", maxCount > 0 ? maxCount : null);
            if (_unavailable)
            {
                _unavailable = false;
                LogAvailable(key);
            }

            if (entries.Length == 0)
            {
                return Nothing;
            }

            var batches = new List<IBatchContainer>(entries.Length);
            foreach (var entry in entries)
            {
                _after = entry.Id.ToString();
                if (Read(entry) is { } batch)
                {
                    batches.Add(batch);
                }
            }

            return batches;
        }
        catch (RedisException e)
        {
            MarkUnavailable(e);
            return Nothing;
        }
    }

    [Obsolete("Orleans calls the overload with a cancellation token.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    // Nothing to acknowledge: the queue is capped by length, and a reader that takes over starts at its end.
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;

    private RedisQueueBatch? Read(StackExchange.Redis.StreamEntry entry)
    {
        var id = entry.Id.ToString();
        try
        {
            var batch = serializer.Deserialize((byte[])entry[RedisQueueAdapter.Field]!)
                ?? throw new InvalidDataException("an empty batch");
            batch.Token = RedisEntryToken.Parse(id);
            return batch;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // An entry another version wrote, or a damaged one: skip it rather than stall the queue behind it.
            LogUnreadable(key, id, e.Message);
            return null;
        }
    }

    private void MarkUnavailable(RedisException e)
    {
        if (!_unavailable)
        {
            _unavailable = true;
            LogUnavailable(key, e.Message);
        }
    }

    [LoggerMessage(EventId = 2711, Level = LogLevel.Warning, Message = "Live queue {Key} unreadable ({Reason}); live frames wait, history keeps them")]
    private partial void LogUnavailable(string key, string reason);

    [LoggerMessage(EventId = 2712, Level = LogLevel.Information, Message = "Live queue {Key} readable again")]
    private partial void LogAvailable(string key);

    [LoggerMessage(EventId = 2713, Level = LogLevel.Warning, Message = "Live queue {Key}: entry {EntryId} cannot be read ({Reason}); skipped")]
    private partial void LogUnreadable(string key, string entryId, string reason);
}
