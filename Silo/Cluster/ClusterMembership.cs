using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoAnalytics.Silo.Cluster.Resp;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// Silo membership on Redis: a sorted set of silo names scored by when each one's membership expires. Every
/// heartbeat pushes this silo's expiry <see cref="ClusterOptions.SiloTimeout"/> ahead, evicts silos whose expiry has
/// passed and returns the live ones, all in one script on Redis's clock (so silo clocks need not agree). Joins and
/// departures are announced on a channel, on which every silo heartbeats at once, so placement changes spread in
/// milliseconds; a silo that dies without a word is evicted by the first heartbeat after its timeout.
/// </summary>
public sealed class ClusterMembership : BackgroundService, IHostedLifecycleService
{
    private const string HeartbeatScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local added = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
        local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
        for _, name in ipairs(dead) do
          redis.call('ZREM', KEYS[1], name)
          redis.call('HDEL', KEYS[2], name)
        end
        if added == 1 or #dead > 0 then redis.call('PUBLISH', ARGV[4], ARGV[1]) end
        local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
        local result = {}
        for _, name in ipairs(live) do
          table.insert(result, name)
          table.insert(result, redis.call('HGET', KEYS[2], name) or '1')
        end
        return result
        """;

    private const string LeaveScript = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        redis.call('PUBLISH', ARGV[2], ARGV[1])
        return 1
        """;

    private readonly RedisConnection _redis;
    private readonly ClusterOptions _options;
    private readonly SiloIdentity _identity;
    private readonly ILogger<ClusterMembership> _logger;
    private readonly SemaphoreSlim _wake = new(0);
    private volatile IReadOnlyList<SiloMember> _live = [];
    private volatile bool _joined;
    private volatile bool _leaving;

    public ClusterMembership(RedisConnection redis, IOptions<ClusterOptions> options, SiloIdentity identity, ILogger<ClusterMembership> logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _options = options.Value;
        _identity = identity;
        _logger = logger;
    }

    /// <summary>Raised (argument: the silo that joined or left, or this one) when the set of live silos changed.</summary>
    public event Action<string>? Changed;

    /// <summary>Raised after every heartbeat round, successful or not.</summary>
    public event Action? Beat;

    /// <summary>The live silos as of the last successful heartbeat.</summary>
    public IReadOnlyList<SiloMember> Live => _live;

    /// <summary>True once this silo's heartbeat reached Redis, until it leaves.</summary>
    public bool IsMember => _joined && !_leaving;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Leaves before any service stops, so when the supervisor then gives its leases back the other silos
    /// already place those cameras on themselves and take them at once.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _leaving = true;
        _live = [];
        try
        {
            await _redis.EvalAsync(LeaveScript, [_redis.Keys.Silos, _redis.Keys.SiloCapacity], _identity.Name, _redis.Keys.SilosChanged);
            ClusterLog.Left(_logger, _identity.Name);
        }
        catch (RedisException e)
        {
            // The others will notice by the timeout instead.
            ClusterLog.HeartbeatFailed(_logger, e.Message);
        }

        Changed?.Invoke(_identity.Name);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not awaited: a silo starting while Redis is away still heartbeats (and fails) on schedule.
        _ = _redis.Subscriber.SubscribeAsync(_redis.Keys.SilosChanged, (_, _) => WakeUp());
        while (!stoppingToken.IsCancellationRequested && !_leaving)
        {
            await HeartbeatAsync();
            Beat?.Invoke();
            try
            {
                await _wake.WaitAsync(_options.HeartbeatInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void WakeUp()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private async Task HeartbeatAsync()
    {
        RespValue result;
        try
        {
            result = await _redis.EvalAsync(
                HeartbeatScript,
                [_redis.Keys.Silos, _redis.Keys.SiloCapacity],
                _identity.Name, (long)_options.SiloTimeout.TotalMilliseconds, _options.Capacity, _redis.Keys.SilosChanged);
        }
        catch (RedisException e)
        {
            ClusterLog.HeartbeatFailed(_logger, e.Message);
            return;
        }

        if (_leaving)
        {
            return;
        }

        var flat = result.ToArray();
        var live = new List<SiloMember>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            live.Add(new SiloMember(flat[i].Text!, double.Parse(flat[i + 1].Text!, CultureInfo.InvariantCulture)));
        }

        live.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var previous = _live;
        _live = live;
        var first = !_joined;
        _joined = true;
        if (!first && SameMembers(previous, live))
        {
            return;
        }

        var names = string.Join(", ", live.Select(s => s.Name));
        if (first)
        {
            ClusterLog.Joined(_logger, _identity.Name, names);
        }
        else
        {
            ClusterLog.MembershipChanged(_logger, names);
        }

        Changed?.Invoke(_identity.Name);
    }

    private static bool SameMembers(IReadOnlyList<SiloMember> a, IReadOnlyList<SiloMember> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }
}
