using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Gateway.Subscriptions;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Tests.Silo.Contracts;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Streams;

/// <summary>
/// Live detections on Orleans streams, the same behaviour from both stream providers (memory streams in one process,
/// ours over Redis Streams in a cluster): what a silo publishes reaches a gateway's follower with positions that link
/// up, and a subscription hands over between history and the live stream without gap or duplicate.
/// </summary>
#pragma warning disable CA1001 // the hub is disposed in DisposeAsync (xunit's IAsyncLifetime), not through IDisposable
public abstract class LiveDetectionsContract : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(30);
    private TestCluster _cluster = null!;
    private LiveDetectionHub _hub = null!;

    /// <summary>The cluster with the provider under test; silos register <see cref="IDetectionStreams"/> and <see cref="DetectionPublisher"/>.</summary>
    protected abstract Task<TestCluster> DeployAsync();

    /// <summary>Where the gateway's subscriptions come from: the co-hosted silo's client, or a cluster client.</summary>
    protected abstract IClusterClient GatewayClient(TestCluster cluster);

    private IServiceProvider Silo => SiloServices(_cluster);

    private DetectionPublisher Publisher => Silo.GetRequiredService<DetectionPublisher>();

    private IDetectionStreams History => Silo.GetRequiredService<IDetectionStreams>();

    public async Task InitializeAsync()
    {
        _cluster = await DeployAsync();
        _hub = new LiveDetectionHub(GatewayClient(_cluster), NullLogger<LiveDetectionHub>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Published_frames_reach_a_follower_in_order_with_positions_that_link_up()
    {
        using var feed = await FollowLiveAsync("linked");
        var positions = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            positions.Add((await Publisher.PublishAsync(DetectionStreamsContract.Frame("linked", i)))!);
        }

        string? previous = null;
        foreach (var position in positions)
        {
            var live = await feed.Frames.ReadAsync().AsTask().WaitAsync(SafetyNet);
            Assert.Equal(position, live.Position);
            Assert.Equal(previous, live.Previous);
            Assert.Equal("linked", live.Frame.CameraId);
            previous = position;
        }
    }

    [Fact]
    public async Task A_subscriber_following_live_gets_every_frame_once_without_asking_history_for_each()
    {
        using var watch = await FollowLiveAsync("counted");
        var counting = new CountingStreams(History);
        await using var subscription = await DetectionSubscription.StartAsync(
            counting, _hub, new Dictionary<string, string?> { ["counted"] = null }, SubscriptionFilter.None, 16, CancellationToken.None);

        // One frame at a time, each awaited before the next: were frames reaching the subscriber only through history
        // (its look after a quiet spell), every one of them would take a read.
        await Publisher.PublishAsync(DetectionStreamsContract.Frame("counted", 0));
        await NextFrameAsync(subscription);
        var readsBefore = counting.Reads;
        var delivered = new List<long>();
        for (var i = 1; i <= 20; i++)
        {
            await Publisher.PublishAsync(DetectionStreamsContract.Frame("counted", i));
            delivered.Add((await NextFrameAsync(subscription)).Frame.FrameIndex);
        }

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), delivered);
        Assert.True(counting.Reads - readsBefore <= 3, $"{counting.Reads - readsBefore} history reads for 20 live frames");
    }

    [Fact]
    public async Task Frames_that_never_went_live_are_read_from_history_in_order_without_gap_or_duplicate()
    {
        using var watch = await FollowLiveAsync("mixed");
        await using var subscription = await DetectionSubscription.StartAsync(
            History, _hub, new Dictionary<string, string?> { ["mixed"] = null }, SubscriptionFilter.None, 64, CancellationToken.None);
        for (var i = 0; i < 15; i++)
        {
            var frame = DetectionStreamsContract.Frame("mixed", i);
            if (i is >= 5 and < 8)
            {
                await History.AppendAsync(frame); // stored, never announced (a live queue that was away)
            }
            else
            {
                await Publisher.PublishAsync(frame);
            }
        }

        var delivered = new List<FrameEvent>();
        for (var i = 0; i < 15; i++)
        {
            delivered.Add(await NextFrameAsync(subscription));
        }

        Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)i), delivered.Select(f => f.Frame.FrameIndex));
        Assert.Equal(delivered.Select(f => f.Position).Distinct().Count(), delivered.Count);
    }

    [Fact]
    public async Task A_subscriber_resuming_from_a_position_replays_history_then_continues_live()
    {
        var positions = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            positions.Add((await Publisher.PublishAsync(DetectionStreamsContract.Frame("resumed", i)))!);
        }

        using var watch = await FollowLiveAsync("resumed");
        await using var subscription = await DetectionSubscription.StartAsync(
            History, _hub, new Dictionary<string, string?> { ["resumed"] = positions[3] }, SubscriptionFilter.None, 4, CancellationToken.None);
        var replayed = new List<long>();
        for (var i = 4; i < 10; i++)
        {
            replayed.Add((await NextFrameAsync(subscription)).Frame.FrameIndex);
        }

        for (var i = 10; i < 15; i++)
        {
            await Publisher.PublishAsync(DetectionStreamsContract.Frame("resumed", i));
            replayed.Add((await NextFrameAsync(subscription)).Frame.FrameIndex);
        }

        Assert.Equal(Enumerable.Range(4, 11).Select(i => (long)i), replayed);
    }

    /// <summary>The services of the cluster's first silo (in-process test silos).</summary>
    protected static IServiceProvider SiloServices(TestCluster cluster) =>
        (cluster.Primary as InProcessSiloHandle ?? throw new InvalidOperationException("the test cluster's silos run in this process")).SiloHost.Services;

    private async Task<LiveFeed> FollowLiveAsync(string camera)
    {
        var feed = _hub.Follow(camera);
        await Eventually.UntilAsync(() => feed.IsLive, SafetyNet, $"the live stream of {camera} subscribed");
        return feed;
    }

    private static async Task<FrameEvent> NextFrameAsync(DetectionSubscription subscription)
    {
        var next = await subscription.NextAsync(SafetyNet, CancellationToken.None);
        return Assert.IsType<FrameEvent>(next);
    }

    /// <summary>The history, counting the reads a subscription makes of it.</summary>
    private sealed class CountingStreams(IDetectionStreams inner) : IDetectionStreams
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Task<StreamAppend?> AppendAsync(DetectionFrame frame, CancellationToken cancellationToken = default) => inner.AppendAsync(frame, cancellationToken);

        public Task FenceAsync(string cameraId, long epoch, CancellationToken cancellationToken = default) => inner.FenceAsync(cameraId, epoch, cancellationToken);

        public Task<IReadOnlyList<StreamEntry>> ReadAsync(string cameraId, string? after, int max, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return inner.ReadAsync(cameraId, after, max, cancellationToken);
        }

        public Task<RetentionGap?> GapAfterAsync(string cameraId, string after, CancellationToken cancellationToken = default) =>
            inner.GapAfterAsync(cameraId, after, cancellationToken);

        public Task<IReadOnlyList<StreamEntry>> RangeAsync(string cameraId, DateTimeOffset since, DateTimeOffset until, int max, CancellationToken cancellationToken = default) =>
            inner.RangeAsync(cameraId, since, until, max, cancellationToken);

        public Task<long?> CountAfterAsync(string cameraId, string after, CancellationToken cancellationToken = default) =>
            inner.CountAfterAsync(cameraId, after, cancellationToken);

        public Task<StreamEntry?> LatestAsync(string cameraId, CancellationToken cancellationToken = default) => inner.LatestAsync(cameraId, cancellationToken);

        public Task<IReadOnlyList<string>> CamerasAsync(CancellationToken cancellationToken = default) => inner.CamerasAsync(cancellationToken);

        public Task DeleteAsync(string cameraId, CancellationToken cancellationToken = default) => inner.DeleteAsync(cameraId, cancellationToken);

        public int ComparePositions(string? a, string? b) => inner.ComparePositions(a, b);
    }
}
