using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Tests.Silo.Cameras;
using VideoAnalytics.Tests.Silo.Contracts;
using VideoAnalytics.Tests.Support;
using Eventually = VideoAnalytics.Tests.Support.Eventually;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>
/// The multiplexer's behaviour our providers rely on, against a real redis-server of each test's own (they stop and
/// start it): a dead Redis fails commands at once instead of holding them, and subscriptions and waiters come back by
/// themselves after Redis restarts.
/// </summary>
public sealed class ClusterRedisTests : IDisposable
{
    private const string Camera = "cam";
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(20);
    private readonly RedisServer _server = new();
    private readonly RedisProviders _providers;

    public ClusterRedisTests()
    {
        _providers = new RedisProviders(_server);
    }

    public void Dispose()
    {
        _providers.Dispose();
        _server.Dispose();
    }

    [Fact]
    public void The_connection_string_keeps_what_it_says_and_gets_our_defaults_where_it_is_silent()
    {
        var plain = ClusterRedis.Configuration("127.0.0.1:6390,user=va,password=secret");
        Assert.Equal("va", plain.User);
        Assert.Equal("secret", plain.Password);
        Assert.Equal(2000, plain.AsyncTimeout);
        Assert.Equal(2000, plain.SyncTimeout);
        Assert.Equal(2000, plain.ConnectTimeout);
        Assert.False(plain.AbortOnConnectFail);
        Assert.False(plain.BacklogPolicy.QueueWhileDisconnected);

        var tuned = ClusterRedis.Configuration("redis.example:6379, asyncTimeout = 7000,connectTimeout=9000,abortConnect=true");
        Assert.Equal(7000, tuned.AsyncTimeout);
        Assert.Equal(9000, tuned.ConnectTimeout);
        Assert.Equal(2000, tuned.SyncTimeout);
        Assert.False(tuned.AbortOnConnectFail); // a process must start while Redis is away, whatever the string says
    }

    [Fact]
    public async Task While_Redis_is_away_commands_fail_at_once_a_process_may_start_and_both_work_once_it_is_back()
    {
        // Timeouts far past the safety net: a command held until Redis is back (the library's default backlog, which
        // times out on syncTimeout even for async commands) would still be waiting when the test gives up; ours fail at once.
        var running = Streams(_providers.Connect(",syncTimeout=60000,asyncTimeout=60000"));
        Assert.NotNull(await running.PublishAsync(Frame(1)));
        _server.Stop();
        await Assert.ThrowsAsync<RedisConnectionException>(() => running.PublishAsync(Frame(2)).WaitAsync(SafetyNet));
        await Assert.ThrowsAsync<RedisConnectionException>(() => running.PublishAsync(Frame(2)).WaitAsync(SafetyNet));

        var log = new TestLogger<ClusterRedis>();
        var late = _providers.Connect(",syncTimeout=60000,asyncTimeout=60000", log);
        var streams = Streams(late);
        var registry = new RedisCameraRegistry(late);
        await Assert.ThrowsAsync<RedisConnectionException>(() => streams.PublishAsync(Frame(3)).WaitAsync(SafetyNet));
        await Eventually.UntilAsync(() => log.Lines.Any(l => l.StartsWith("Debug 2413 ", StringComparison.Ordinal) && l.Contains(":cameras:changed", StringComparison.Ordinal)),
            SafetyNet, "the waiting subscription logged");
        Assert.False(registry.Subscribed.IsCompleted);

        _server.Start();
        await Eventually.UntilAsync(() => Attempt(() => running.PublishAsync(Frame(4))), position => position is not null, SafetyNet, "a publish of the running process once Redis is back");
        await Eventually.UntilAsync(() => Attempt(() => streams.PublishAsync(Frame(5))), position => position is not null, SafetyNet, "a publish of the late process once Redis is up");

        // The subscription Redis was not there for is made once it is: another process's change is announced here.
        await registry.Subscribed.WaitAsync(SafetyNet);
        await AnnouncedAsync(new RedisCameraRegistry(_providers.Connect()), registry, "late");
    }

    [Fact]
    public async Task Subscriptions_resume_by_themselves_after_Redis_restarts()
    {
        var log = new TestLogger<ClusterRedis>();
        var reader = new RedisCameraRegistry(_providers.Connect(logger: log));
        var writer = new RedisCameraRegistry(_providers.Connect());
        await reader.Subscribed.WaitAsync(SafetyNet);
        var writerStreams = Streams(_providers.Connect());
        Assert.NotNull(await writerStreams.PublishAsync(Frame(1)));

        _server.Stop();
        _server.Start();

        // Commands work again once the multiplexer reconnected, and a change made after the restart is announced to
        // the subscription made before it.
        var index = 1;
        await Eventually.UntilAsync(() => Attempt(() => writerStreams.PublishAsync(Frame(++index))), position => position is not null, SafetyNet, "an append after the restart");
        await AnnouncedAsync(writer, reader, "after-restart");

        // Both connections (commands, pub/sub) were reported lost and restored.
        Assert.Contains(log.Lines, l => l.StartsWith("Warning 2410 Redis Interactive connection", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.StartsWith("Warning 2410 Redis Subscription connection", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.StartsWith("Information 2411 Redis Interactive connection", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.StartsWith("Information 2411 Redis Subscription connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_handler_is_logged_and_the_channel_still_reaches_the_others()
    {
        var log = new TestLogger<ClusterRedis>();
        var redis = _providers.Connect(logger: log);
        var channel = RedisChannel.Literal(redis.Keys.CamerasChanged);
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await redis.SubscribeAsync(channel, (_, _) => throw new InvalidOperationException("a bad handler")).WaitAsync(SafetyNet);
        await redis.SubscribeAsync(channel, (_, message) => heard.TrySetResult(message)).WaitAsync(SafetyNet);
        await redis.Database.PublishAsync(channel, "cam-1");
        Assert.Equal("cam-1", await heard.Task.WaitAsync(SafetyNet));
        await Eventually.UntilAsync(() => log.Lines.Any(l => l.StartsWith("Error 2412 ", StringComparison.Ordinal)), SafetyNet, "the failing handler logged");
    }

    private static DetectionFrame Frame(long index) => DetectionStreamsContract.Frame(Camera, index);

    private static RedisDetectionStreams Streams(ClusterRedis redis) => new(redis, Options.Create(new StreamOptions { HistoryPerCamera = 10 }));

    // A change is announced to the other process once its subscription is back; one published before that is lost,
    // so each try announces a new camera and waits a little for it. Then each change is heard once: a subscription
    // that was retried does not hold its handler twice.
    private static async Task AnnouncedAsync(RedisCameraRegistry writer, RedisCameraRegistry reader, string prefix)
    {
        var heard = new List<string>();
        var announced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Changed += id =>
        {
            lock (heard)
            {
                heard.Add(id);
            }

            if (id == prefix + "-marker")
            {
                marker.TrySetResult();
            }
            else if (id.StartsWith(prefix, StringComparison.Ordinal))
            {
                announced.TrySetResult();
            }
        };
        var tries = 0;
        await Eventually.UntilAsync(
            async () =>
            {
                await Attempt(() => writer.AddAsync(new CameraSpec { Id = $"{prefix}-{++tries}", Url = "rtsp://127.0.0.1/x" }));
                await Task.WhenAny(announced.Task, Task.Delay(TimeSpan.FromMilliseconds(500)));
                return announced.Task.IsCompleted;
            },
            done => done,
            SafetyNet,
            $"a change ({prefix}) announced to the other process");

        // A duplicate handler runs right after the first, long before the next change makes its round trip.
        Assert.True(await writer.AddAsync(new CameraSpec { Id = prefix + "-marker", Url = "rtsp://127.0.0.1/x" }));
        await marker.Task.WaitAsync(SafetyNet);
        lock (heard)
        {
            Assert.All(heard.GroupBy(id => id, StringComparer.Ordinal), g => Assert.Single(g));
        }
    }

    // Null while Redis is away or still loading.
    private static async Task<T?> Attempt<T>(Func<Task<T>> command)
    {
        try
        {
            return await command();
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or RedisServerException)
        {
            return default;
        }
    }
}
