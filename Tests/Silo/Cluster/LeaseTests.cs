using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Hosting;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>Membership and leases of in-process silos against a real Redis, with short timings (leases long enough
/// that no test depends on a renewal being punctual).</summary>
[Collection(RedisTestGroup.Name)]
public sealed class LeaseTests(RedisServer redis) : IAsyncDisposable
{
    private readonly RedisProviders _providers = Configure(new RedisProviders(redis));
    private readonly List<(ClusterMembership Membership, RedisCameraOwnership Ownership)> _silos = [];

    private static RedisProviders Configure(RedisProviders providers)
    {
        providers.Options.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        providers.Options.SiloTimeout = TimeSpan.FromMilliseconds(1000);
        // Renewed every second: two renewals may be late (a loaded 2-core CI machine) before the lease lapses.
        providers.Options.LeaseDuration = TimeSpan.FromSeconds(3);
        return providers;
    }

    [Fact]
    public async Task A_lease_is_exclusive_and_each_acquisition_takes_a_higher_epoch()
    {
        var (_, a) = await StartSiloAsync("a");
        var (_, b) = await StartSiloAsync("b");
        var epoch = await a.AcquireAsync("cam", CancellationToken.None);
        Assert.NotNull(epoch);
        Assert.Null(await b.AcquireAsync("cam", CancellationToken.None));

        var told = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Changed += id => told.TrySetResult(id);
        await a.ReleaseAsync("cam", CancellationToken.None);
        Assert.Equal("cam", await told.Task.WaitAsync(TimeSpan.FromSeconds(5))); // the release is announced
        var next = await b.AcquireAsync("cam", CancellationToken.None);
        Assert.True(next > epoch);

        // A frame produced under the first lease is fenced out as soon as the second was taken.
        var streams = new RedisDetectionStreams(_providers.Connect(), Options.Create(new StreamOptions { HistoryPerCamera = 100 }));
        Assert.Null(await streams.PublishAsync(new DetectionFrame { CameraId = "cam", Model = "m", Epoch = epoch!.Value }));
        Assert.NotNull(await streams.PublishAsync(new DetectionFrame { CameraId = "cam", Model = "m", Epoch = next!.Value }));
    }

    [Fact]
    public async Task A_lease_taken_over_by_another_holder_is_reported_lost()
    {
        var (_, a) = await StartSiloAsync("a");
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.LeaseLost += id => lost.TrySetResult(id);
        Assert.NotNull(await a.AcquireAsync("cam", CancellationToken.None));

        // As if the lease had expired while the silo was paused and another silo took it.
        var connection = _providers.Connect();
        await connection.ExecuteAsync("SET", connection.Keys.Lease("cam"), "intruder#99", "PX", 60_000);
        Assert.Equal("cam", await lost.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Renewals_keep_a_lease_past_its_duration()
    {
        var (_, a) = await StartSiloAsync("a");
        var (_, b) = await StartSiloAsync("b");
        var lost = false;
        a.LeaseLost += _ => lost = true;
        Assert.NotNull(await a.AcquireAsync("cam", CancellationToken.None));
        var connection = _providers.Connect();

        // Observe renewals as rises of the TTL between samples; five of them span more than the lease's duration.
        var previous = long.MaxValue;
        var rises = 0;
        await Eventually.UntilAsync(
            async () =>
            {
                var ttl = (await connection.ExecuteAsync("PTTL", connection.Keys.Lease("cam"))).ToInt64();
                Assert.True(ttl > 0, "the lease expired");
                if (ttl > previous)
                {
                    rises++;
                }

                previous = ttl;
                return rises;
            },
            count => count >= 5, TimeSpan.FromSeconds(10), "five renewals of the lease");
        Assert.Null(await b.AcquireAsync("cam", CancellationToken.None));
        Assert.False(lost);
    }

    [Fact]
    public async Task Members_see_each_other_a_leaving_silo_at_once_and_a_silent_one_after_the_timeout()
    {
        var (ma, a) = await StartSiloAsync("a");
        var (mb, _) = await StartSiloAsync("b");
        var (mc, _) = await StartSiloAsync("c");
        await Eventually.UntilAsync(() => ma.Live.Count == 3 && mb.Live.Count == 3 && mc.Live.Count == 3, TimeSpan.FromSeconds(5), "every silo sees three");

        // Every silo computes the same owner from what it sees.
        for (var i = 0; i < 20; i++)
        {
            var camera = $"cam-{i}";
            Assert.Equal(RendezvousPlacement.Owner(camera, ma.Live), RendezvousPlacement.Owner(camera, mb.Live));
            Assert.Equal(RendezvousPlacement.Owner(camera, ma.Live), RendezvousPlacement.Owner(camera, mc.Live));
        }

        await mb.StoppingAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => ma.Live.Count == 2 && ma.Live.All(s => s.Name != "b"), TimeSpan.FromSeconds(2), "a sees b leave");

        await mc.StopAsync(CancellationToken.None); // stops heartbeating without a word, like a killed process
        await Eventually.UntilAsync(() => ma.Live.Count == 1, TimeSpan.FromSeconds(5), "a evicts the silent c");
        Assert.True(await a.OwnsAsync("any-camera", CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (membership, ownership) in _silos)
        {
            await ownership.StopAsync(CancellationToken.None);
            await membership.StopAsync(CancellationToken.None);
            ownership.Dispose();
            membership.Dispose();
        }

        _providers.Dispose();
    }

    private async Task<(ClusterMembership, RedisCameraOwnership)> StartSiloAsync(string name)
    {
        var options = Options.Create(_providers.Options);
        var connection = _providers.Connect();
        var identity = new SiloIdentity(name);
        var membership = new ClusterMembership(connection, options, identity, NullLogger<ClusterMembership>.Instance);
        var ownership = new RedisCameraOwnership(connection, membership, options, identity, TimeProvider.System, NullLogger<RedisCameraOwnership>.Instance);
        _silos.Add((membership, ownership));
        await membership.StartAsync(CancellationToken.None);
        await ownership.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => membership.IsMember, TimeSpan.FromSeconds(5), $"silo {name} joining");
        await ownership.Subscribed.WaitAsync(TimeSpan.FromSeconds(5));
        return (membership, ownership);
    }
}
