using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cluster.Resp;
using VideoAnalytics.Silo.Streams;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// Detection streams on Redis Streams, one per camera; positions are stream ids (<c>ms-seq</c>).
/// </summary>
/// <remarks>
/// <para>Ids: an entry's id is its capture time in ms (or the previous entry's, when a clock runs behind) with a
/// Redis-assigned sequence, so ids increase strictly and a capture-time range maps onto an id range.</para>
/// <para>Fencing: one Lua script checks the frame's epoch against the camera's fence (raised by every new activation
/// of the camera and by every accepted frame) and only then appends, so a silo still running a superseded
/// activation can never slip a frame in between the check and the append.</para>
/// <para>Waiting: the command connection is shared, so a blocking read (XREAD BLOCK) would stall every caller; an
/// append is announced on a pub/sub channel instead; a waiter also re-checks every second in case an announcement was lost
/// while Redis reconnected.</para>
/// </remarks>
public sealed class RedisDetectionStreams : IDetectionStreams
{
    private const string PublishScript = """
        local epoch = tonumber(ARGV[1])
        local fence = tonumber(redis.call('GET', KEYS[2]) or '0')
        if epoch < fence then return false end
        if epoch > fence then redis.call('SET', KEYS[2], ARGV[1]) end
        local ms = tonumber(ARGV[4])
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if last[1] then
          local lastMs = tonumber(string.match(last[1][1], '^(%d+)'))
          if lastMs > ms then ms = lastMs end
        end
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], string.format('%d-*', ms), 'f', ARGV[3], 't', ARGV[5])
        redis.call('SADD', KEYS[3], ARGV[7])
        redis.call('PUBLISH', ARGV[6], id)
        return id
        """;

    private const string FenceScript = """
        local fence = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tonumber(ARGV[1]) > fence then redis.call('SET', KEYS[1], ARGV[1]) end
        return 1
        """;

    // (A re-added camera's activations keep taking higher epochs: the counter lives in its grain state.) Waiters wake.
    private const string DeleteScript = """
        redis.call('DEL', KEYS[1], KEYS[2])
        redis.call('SREM', KEYS[3], ARGV[1])
        redis.call('PUBLISH', ARGV[2], '')
        return 1
        """;

    private const int PageSize = 256;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    // Ids may run ahead of capture times by this much (a silo whose clock is ahead); range scans look this far past the end.
    private static readonly TimeSpan RangeSlack = TimeSpan.FromMinutes(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisConnection _redis;
    private readonly int _history;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);
    private readonly Lazy<Task> _appended;

    public RedisDetectionStreams(RedisConnection redis, IOptions<StreamOptions> options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _history = options.Value.HistoryPerCamera;
        _appended = new Lazy<Task>(
            () => redis.Subscriber.PatternSubscribeAsync(redis.Keys.AppendedPattern, OnAppended), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private ClusterKeys Keys => _redis.Keys;

    public async Task<string?> PublishAsync(DetectionFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var camera = frame.CameraId ?? throw new ArgumentException("a published frame needs a camera id", nameof(frame));
        var captureMs = Math.Max(0, frame.Timestamp.ToUnixTimeMilliseconds());
        var result = await _redis.EvalAsync(
            PublishScript,
            [Keys.Stream(camera), Keys.Fence(camera), Keys.Streams],
            frame.Epoch, _history, JsonSerializer.Serialize(frame, Json), captureMs,
            frame.Timestamp.UtcTicks, Keys.Appended(camera), camera);
        return result.IsNull ? null : result.ToString();
    }

    public async Task FenceAsync(string cameraId, long epoch, CancellationToken cancellationToken = default) =>
        await _redis.EvalAsync(FenceScript, [Keys.Fence(cameraId)], epoch);

    public async Task<IReadOnlyList<StreamEntry>> ReadAsync(string cameraId, string? after, int max, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
        {
            return [];
        }

        var entries = await _redis.ExecuteAsync("XRANGE", Keys.Stream(cameraId), after is null ? "-" : "(" + after, "+", "COUNT", max);
        return ToEntries(entries.ToArray(), long.MinValue, long.MaxValue, max);
    }

    public async Task<IReadOnlyList<StreamEntry>> RangeAsync(string cameraId, DateTimeOffset since, DateTimeOffset until, int max, CancellationToken cancellationToken = default)
    {
        var result = new List<StreamEntry>();
        var key = Keys.Stream(cameraId);
        var stopMs = until.Add(RangeSlack).ToUnixTimeMilliseconds();

        // An entry's id is never below its capture time, so the scan can start at `since`.
        var from = Math.Max(0, since.ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture);
        while (result.Count < max)
        {
            var page = (await _redis.ExecuteAsync("XRANGE", key, from, "+", "COUNT", PageSize)).ToArray();
            if (page.Length == 0)
            {
                break;
            }

            result.AddRange(ToEntries(page, since.UtcTicks, until.UtcTicks, max - result.Count));
            var last = page[^1].ToArray()[0].Text!;
            if (page.Length < PageSize || (long)Position.Parse(last).Ms > stopMs)
            {
                break;
            }

            from = "(" + last;
        }

        return result;
    }

    public async Task<RetentionGap?> GapAfterAsync(string cameraId, string after, CancellationToken cancellationToken = default)
    {
        // Trimming takes the oldest entries first: while the resume point itself is held, nothing after it was lost.
        var key = Keys.Stream(cameraId);
        if ((await _redis.ExecuteAsync("XRANGE", key, after, after, "COUNT", 1)).ToArray().Length > 0)
        {
            return null;
        }

        var oldest = (await _redis.ExecuteAsync("XRANGE", key, "-", "+", "COUNT", 1)).ToArray();
        if (oldest.Length == 0)
        {
            return null;
        }

        var first = oldest[0].ToArray()[0].Text!;
        // Ids are not counters: how many entries were trimmed cannot be told.
        return ComparePositions(first, after) > 0 ? new RetentionGap(null, null, first) : null;
    }

    public async Task<StreamEntry?> LatestAsync(string cameraId, CancellationToken cancellationToken = default)
    {
        var entries = (await _redis.ExecuteAsync("XREVRANGE", Keys.Stream(cameraId), "+", "-", "COUNT", 1)).ToArray();
        return entries.Length == 0 ? null : ToEntry(entries[0]);
    }

    public async Task WaitAsync(string cameraId, string? after, CancellationToken cancellationToken)
    {
        await _appended.Value.WaitAsync(RedisConnection.CommandTimeout, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Take the signal before looking, so an append between the look and the wait still wakes us.
            var signal = _signals.GetOrAdd(cameraId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            try
            {
                var latest = (await _redis.ExecuteAsync("XREVRANGE", Keys.Stream(cameraId), "+", "-", "COUNT", 1)).ToArray();
                if (latest.Length > 0 && ComparePositions(latest[0].ToArray()[0].Text, after) > 0)
                {
                    return;
                }
            }
            catch (RedisException)
            {
                // Redis is away (restarting, failing over): keep waiting; the poll below looks again.
            }

            try
            {
                await signal.Task.WaitAsync(PollInterval, cancellationToken);
            }
            catch (TimeoutException)
            {
                // no announcement: look again, one may have been lost while Redis reconnected
            }
        }
    }

    public async Task<IReadOnlyList<string>> CamerasAsync(CancellationToken cancellationToken = default)
    {
        var members = (await _redis.ExecuteAsync("SMEMBERS", Keys.Streams)).ToArray();
        var ids = new List<string>(members.Length);
        foreach (var member in members)
        {
            ids.Add(member.Text!);
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    public async Task DeleteAsync(string cameraId, CancellationToken cancellationToken = default)
    {
        await _redis.EvalAsync(DeleteScript, [Keys.Stream(cameraId), Keys.Fence(cameraId), Keys.Streams], cameraId, Keys.Appended(cameraId));
    }

    public int ComparePositions(string? a, string? b) => Position.Parse(a).CompareTo(Position.Parse(b));

    private void OnAppended(string channel, string message)
    {
        if (_signals.TryRemove(Keys.CameraOfAppended(channel), out var signal))
        {
            signal.TrySetResult();
        }
    }

    private static List<StreamEntry> ToEntries(RespValue[] entries, long sinceTicks, long untilTicks, int max)
    {
        var result = new List<StreamEntry>(Math.Min(entries.Length, max));
        foreach (var entry in entries)
        {
            if (result.Count >= max)
            {
                break;
            }

            var ticks = long.Parse(Field(entry, "t"), NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (ticks >= sinceTicks && ticks <= untilTicks)
            {
                result.Add(ToEntry(entry));
            }
        }

        return result;
    }

    // An XRANGE entry is [id, [field, value, …]].
    private static StreamEntry ToEntry(RespValue entry) =>
        new(entry.ToArray()[0].Text!, JsonSerializer.Deserialize<DetectionFrame>(Field(entry, "f"), Json)
            ?? throw new InvalidDataException("a null frame in a Redis stream"));

    private static string Field(RespValue entry, string name)
    {
        var fields = entry.ToArray()[1].ToArray();
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            if (fields[i].Text == name)
            {
                return fields[i + 1].Text!;
            }
        }

        throw new InvalidDataException($"a stream entry without field '{name}'");
    }

    /// <summary>A parsed stream id; null or empty is before every entry.</summary>
    private readonly record struct Position(ulong Ms, ulong Seq) : IComparable<Position>
    {
        public static Position Parse(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return default;
            }

            var dash = text.IndexOf('-', StringComparison.Ordinal);
            var ms = dash < 0 ? text : text[..dash];
            var seq = dash < 0 ? "0" : text[(dash + 1)..];
            return ulong.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var m)
                && ulong.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                ? new Position(m, s)
                : throw new FormatException($"'{text}' is not a stream position");
        }

        public int CompareTo(Position other) => Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);
    }
}
