using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Streams;
using RedisStreamEntry = StackExchange.Redis.StreamEntry;
using StreamEntry = VideoAnalytics.Contracts.Detections.StreamEntry;

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
/// <para>Live: subscribers learn of new entries from the camera's Orleans stream (<see cref="Streams.DetectionPublisher"/>),
/// not from here; this is the record they read and replay.</para>
/// </remarks>
public sealed class RedisDetectionStreams : IDetectionStreams
{
    private const string PublishScript = """
        local epoch = tonumber(ARGV[1])
        local fence = tonumber(redis.call('GET', KEYS[2]) or '0')
        if epoch < fence then return false end
        if epoch > fence then redis.call('SET', KEYS[2], ARGV[1]) end
        local ms = tonumber(ARGV[4])
        local previous = ''
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if last[1] then
          previous = last[1][1]
          local lastMs = tonumber(string.match(previous, '^(%d+)'))
          if lastMs > ms then ms = lastMs end
        end
        local n = redis.call('INCR', KEYS[4])
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], string.format('%d-*', ms), 'f', ARGV[3], 't', ARGV[5], 'n', n)
        redis.call('SADD', KEYS[3], ARGV[6])
        return { id, previous }
        """;

    private const string FenceScript = """
        local fence = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tonumber(ARGV[1]) > fence then redis.call('SET', KEYS[1], ARGV[1]) end
        return 1
        """;

    // Entry ids are capture times, not sequence numbers; each entry's field n (a per-camera counter) numbers it, so the
    // entries after a point are the newest's n minus the first's after it, plus one: two single-entry reads, no scan.
    private const string CountAfterScript = """
        local first = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', 1)
        if not first[1] then return 0 end
        local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        local function number(entry)
          for i = 1, #entry[2], 2 do
            if entry[2][i] == 'n' then return tonumber(entry[2][i + 1]) end
          end
          return nil
        end
        local a, b = number(first[1]), number(newest[1])
        if not a or not b then return -1 end
        return b - a + 1
        """;

    // (A re-added camera's activations keep taking higher epochs: the counter lives in its grain state.)
    private const string DeleteScript = """
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
        redis.call('SREM', KEYS[3], ARGV[1])
        return 1
        """;

    private const int PageSize = 256;

    // Ids may run ahead of capture times by this much (a silo whose clock is ahead); range scans look this far past the end.
    private static readonly TimeSpan RangeSlack = TimeSpan.FromMinutes(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ClusterRedis _redis;
    private readonly int _history;

    public RedisDetectionStreams(ClusterRedis redis, IOptions<StreamOptions> options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _history = options.Value.HistoryPerCamera;
    }

    private ClusterKeys Keys => _redis.Keys;

    private IDatabase Database => _redis.Database;

    public async Task<StreamAppend?> AppendAsync(DetectionFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var camera = frame.CameraId ?? throw new ArgumentException("a published frame needs a camera id", nameof(frame));
        var captureMs = Math.Max(0, frame.Timestamp.ToUnixTimeMilliseconds());
        var result = await Database.ScriptEvaluateAsync(
            PublishScript,
            [Keys.Stream(camera), Keys.Fence(camera), Keys.Streams, Keys.Sequence(camera)],
            [frame.Epoch, _history, JsonSerializer.Serialize(frame, Json), captureMs, frame.Timestamp.UtcTicks, camera]);
        if (result.IsNull)
        {
            return null;
        }

        // The newest entry before this one (retention only trims the oldest): empty when the stream held none.
        var ids = (RedisResult[])result!;
        var previous = (string?)ids[1];
        return new StreamAppend((string)ids[0]!, string.IsNullOrEmpty(previous) ? null : previous);
    }

    public async Task FenceAsync(string cameraId, long epoch, CancellationToken cancellationToken = default) =>
        await Database.ScriptEvaluateAsync(FenceScript, [Keys.Fence(cameraId)], [epoch]);

    public async Task<IReadOnlyList<StreamEntry>> ReadAsync(string cameraId, string? after, int max, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
        {
            return [];
        }

        // "(id": exclusive start (Redis 6.2+).
        var entries = await Database.StreamRangeAsync(Keys.Stream(cameraId), after is null ? "-" : "(" + after, "+", max);
        return ToEntries(entries, long.MinValue, long.MaxValue, max);
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
            var page = await Database.StreamRangeAsync(key, from, "+", PageSize);
            if (page.Length == 0)
            {
                break;
            }

            result.AddRange(ToEntries(page, since.UtcTicks, until.UtcTicks, max - result.Count));
            var last = page[^1].Id.ToString();
            if (page.Length < PageSize || (long)RedisStreamId.Parse(last).Milliseconds > stopMs)
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
        if ((await Database.StreamRangeAsync(key, after, after, 1)).Length > 0)
        {
            return null;
        }

        var oldest = await Database.StreamRangeAsync(key, "-", "+", 1);
        if (oldest.Length == 0)
        {
            return null;
        }

        // Ids are not counters: how many entries were trimmed cannot be told.
        var first = oldest[0].Id.ToString();
        return ComparePositions(first, after) > 0 ? new RetentionGap(null, null, first) : null;
    }

    public async Task<StreamEntry?> LatestAsync(string cameraId, CancellationToken cancellationToken = default)
    {
        var entries = await NewestAsync(cameraId);
        return entries.Length == 0 ? null : ToEntry(entries[0]);
    }

    public async Task<IReadOnlyList<string>> CamerasAsync(CancellationToken cancellationToken = default)
    {
        var members = await Database.SetMembersAsync(Keys.Streams);
        var ids = new List<string>(members.Length);
        foreach (var member in members)
        {
            ids.Add(member.ToString());
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    public async Task DeleteAsync(string cameraId, CancellationToken cancellationToken = default)
    {
        await Database.ScriptEvaluateAsync(DeleteScript, [Keys.Stream(cameraId), Keys.Fence(cameraId), Keys.Streams, Keys.Sequence(cameraId)], [cameraId]);
    }

    public async Task<long?> CountAfterAsync(string cameraId, string after, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(after);
        var count = (long)await Database.ScriptEvaluateAsync(CountAfterScript, [Keys.Stream(cameraId)], [after]);
        return count < 0 ? null : count;
    }

    public int ComparePositions(string? a, string? b) => ParsePosition(a).CompareTo(ParsePosition(b));

    // No position (null or empty) sorts before every entry.
    private static RedisStreamId ParsePosition(string? text) =>
        string.IsNullOrEmpty(text) ? default : RedisStreamId.TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a stream position");

    /// <summary>
    /// Deletes every camera's entries captured before <paramref name="cutoff"/> (<c>XTRIM MINID</c>: an entry's id is
    /// never below its capture time in ms, so nothing newer goes). Retention by age, beside the count cap of every append.
    /// </summary>
    internal async Task PruneAsync(DateTimeOffset cutoff)
    {
        var minimum = $"{Math.Max(0, cutoff.ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture)}-0";
        foreach (var camera in await CamerasAsync())
        {
            await Database.ExecuteAsync("XTRIM", Keys.Stream(camera), "MINID", minimum);
        }
    }

    // XREVRANGE + - COUNT 1: the newest entry, or none.
    private Task<RedisStreamEntry[]> NewestAsync(string cameraId) =>
        Database.StreamRangeAsync(Keys.Stream(cameraId), count: 1, messageOrder: Order.Descending);

    private static List<StreamEntry> ToEntries(RedisStreamEntry[] entries, long sinceTicks, long untilTicks, int max)
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

    // Fields: f = the frame's JSON, t = its capture time in UTC ticks.
    private static StreamEntry ToEntry(RedisStreamEntry entry) =>
        new(entry.Id.ToString(), JsonSerializer.Deserialize<DetectionFrame>(Field(entry, "f"), Json)
            ?? throw new InvalidDataException("a null frame in a Redis stream"));

    private static string Field(RedisStreamEntry entry, string name)
    {
        var value = entry[name];
        return value.IsNull ? throw new InvalidDataException($"a stream entry without field '{name}'") : value.ToString();
    }
}
