using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoAnalytics.Silo.Cluster.Resp;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// Cluster ownership: rendezvous placement over the live silos decides who should run a camera, and a Redis lease
/// decides who may. A lease is a key holding <c>silo#epoch</c> with a TTL, taken only when absent; every
/// acquisition increments the camera's epoch counter, which the detection stream checks on every append (fencing),
/// so a silo that was paused past its lease cannot publish once another took over. Leases are renewed by
/// compare-and-set every third of their duration; a renewal that finds another holder, or a silo that could not
/// renew for a whole lease duration, raises <see cref="LeaseLost"/> and the camera stops at once.
/// </summary>
public sealed class RedisCameraOwnership : BackgroundService, ICameraOwnership
{
    private const string AcquireScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return false end
        local epoch = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[1] .. '#' .. epoch, 'PX', ARGV[2])
        return epoch
        """;

    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[2], ARGV[3])
        return 1
        """;

    private readonly RedisConnection _redis;
    private readonly ClusterMembership _membership;
    private readonly ClusterOptions _options;
    private readonly SiloIdentity _identity;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisCameraOwnership> _logger;
    private readonly ConcurrentDictionary<string, HeldLease> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _waiting = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<Task> _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RedisCameraOwnership(RedisConnection redis, ClusterMembership membership, IOptions<ClusterOptions> options, SiloIdentity identity,
        TimeProvider time, ILogger<RedisCameraOwnership> logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(membership);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _membership = membership;
        _options = options.Value;
        _identity = identity;
        _time = time;
        _logger = logger;
        _membership.Changed += RaiseChanged;

        // Cameras whose lease another silo still held when placement gave them to us: look again every heartbeat
        // (the holder may have died, and its lease expires unannounced).
        _membership.Beat += RetryWaiting;
    }

    public event Action<string>? Changed;

    public event Action<string>? LeaseLost;

    /// <summary>Completes once lease releases are being received (for tests).</summary>
    internal Task Subscribed => _subscribed.Task.Unwrap();

    public ValueTask<bool> OwnsAsync(string cameraId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_membership.IsMember && RendezvousPlacement.Owner(cameraId, _membership.Live) == _identity.Name);

    public async ValueTask<long?> AcquireAsync(string cameraId, CancellationToken cancellationToken)
    {
        var requestedAt = _time.GetTimestamp();
        var result = await _redis.EvalAsync(AcquireScript, [_redis.Keys.Lease(cameraId), _redis.Keys.Epoch(cameraId)], _identity.Name, LeaseMilliseconds);
        if (result.IsNull)
        {
            _waiting.TryAdd(cameraId, 0);
            return null;
        }

        var epoch = result.ToInt64();
        _waiting.TryRemove(cameraId, out _);
        _held[cameraId] = new HeldLease($"{_identity.Name}#{epoch}", epoch, requestedAt);
        ClusterLog.LeaseAcquired(_logger, cameraId, epoch);
        return epoch;
    }

    public async ValueTask ReleaseAsync(string cameraId, CancellationToken cancellationToken)
    {
        _waiting.TryRemove(cameraId, out _);
        if (!_held.TryRemove(cameraId, out var lease))
        {
            return;
        }

        try
        {
            await _redis.EvalAsync(ReleaseScript, [_redis.Keys.Lease(cameraId)], lease.Holder, _redis.Keys.LeaseReleased, cameraId);
            ClusterLog.LeaseReleased(_logger, cameraId);
        }
        catch (RedisException e)
        {
            ClusterLog.ReleaseFailed(_logger, cameraId, e.Message);
        }
    }

    public override void Dispose()
    {
        _membership.Changed -= RaiseChanged;
        _membership.Beat -= RetryWaiting;
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A released lease is announced so the camera's next owner takes it now rather than at its next look.
        _subscribed.TrySetResult(_redis.Subscriber.SubscribeAsync(_redis.Keys.LeaseReleased, (_, camera) => RaiseChanged(camera)));

        using var timer = new PeriodicTimer(_options.RenewInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RenewAllAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // stopping; the supervisor releases the leases
        }
    }

    private long LeaseMilliseconds => (long)_options.LeaseDuration.TotalMilliseconds;

    private async Task RenewAllAsync()
    {
        var renewals = new List<Task>(_held.Count);
        foreach (var (camera, lease) in _held)
        {
            renewals.Add(RenewAsync(camera, lease));
        }

        await Task.WhenAll(renewals);
    }

    private async Task RenewAsync(string camera, HeldLease lease)
    {
        var requestedAt = _time.GetTimestamp();
        try
        {
            var renewed = await _redis.EvalAsync(RenewScript, [_redis.Keys.Lease(camera)], lease.Holder, LeaseMilliseconds);
            if (renewed.ToInt64() == 1)
            {
                _held.TryUpdate(camera, lease with { RenewedAt = requestedAt }, lease);
                return;
            }

            Lose(camera, lease, "another silo holds it or it expired");
        }
        catch (RedisException e)
        {
            ClusterLog.RenewFailed(_logger, camera, e.Message);

            // Redis counts the lease down from when it saw the last renewal, which was after we sent it: past this
            // point another silo may hold the camera, so stop rather than run it twice.
            if (_time.GetElapsedTime(lease.RenewedAt) >= _options.LeaseDuration)
            {
                Lose(camera, lease, "not renewed within the lease duration: " + e.Message);
            }
        }
    }

    private void Lose(string camera, HeldLease lease, string reason)
    {
        if (((ICollection<KeyValuePair<string, HeldLease>>)_held).Remove(new KeyValuePair<string, HeldLease>(camera, lease)))
        {
            ClusterLog.LeaseLost(_logger, camera, reason);
            LeaseLost?.Invoke(camera);
            RaiseChanged(camera);
        }
    }

    private void RetryWaiting()
    {
        string? retry = null;
        foreach (var camera in _waiting.Keys)
        {
            if (!_membership.IsMember || RendezvousPlacement.Owner(camera, _membership.Live) != _identity.Name)
            {
                _waiting.TryRemove(camera, out _); // placed elsewhere now: no longer ours to wait for
            }
            else
            {
                retry ??= camera;
            }
        }

        if (retry is not null)
        {
            RaiseChanged(retry); // one wake-up makes the supervisor reconcile every camera
        }
    }

    private void RaiseChanged(string id) => Changed?.Invoke(id);

    private sealed record HeldLease(string Holder, long Epoch, long RenewedAt);
}
