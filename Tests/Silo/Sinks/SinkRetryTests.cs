using System.Collections.Concurrent;
using System.Reflection;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Registry;
using VideoAnalytics.Silo.Sinks;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Silo.Telemetry;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Sinks;

/// <summary>
/// A sink's retry loop on a fake clock: a receiver that refuses is asked again only once each backoff delay has passed
/// (never earlier), the delays double from <see cref="SinkOptions.RetryInitialDelay"/> to <see cref="SinkOptions.RetryMaxDelay"/>
/// less at most the jitter, the same messages go each time, the status says when the next attempt is due, and after a
/// success the checkpoint moves and the next failure starts over at the initial delay. The delivery runs on its own
/// threads, as in a silo; the test moves the clock only once the delay it expects is waiting on it.
/// </summary>
public sealed class SinkRetryTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_refusing_receiver_is_retried_after_each_doubling_delay_and_never_before()
    {
        var clock = new ObservedClock(new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero)));
        var streams = new InMemoryDetectionStreams(Options.Create(new StreamOptions()));
        var registry = new JsonFileCameraRegistry(Options.Create(new RegistryOptions { DataDirectory = string.Empty }));
        await registry.AddAsync(new CameraSpec { Id = "cam", Url = "/media/none.mp4" });
        var start = (await streams.AppendAsync(Frame(0, clock)))!.Position;
        var last = string.Empty;
        for (var i = 1; i <= 3; i++)
        {
            last = (await streams.AppendAsync(Frame(i, clock)))!.Position;
        }

        var transport = new ScriptedTransport(clock, failures: 5);
        using var metrics = new SinkMetrics();
        var services = new SinkServices(
            streams, registry, new InMemoryCameraStatusBoard(), new OneTransport(transport), UnreachableCluster.Create(), metrics, clock,
            Options.Create(new SinkOptions { RetryInitialDelay = Initial, RetryMaxDelay = Cap }), NullLoggerFactory.Instance);
        var spec = new SinkSpec { Id = "s", Type = SinkSpec.WebhookType, Cameras = ["cam"], Events = [SinkEventTypes.Detections] };
        await using var delivery = new SinkDelivery(spec, new Dictionary<string, string> { ["cam"] = start }, services, "silo-1");
        delivery.Start();

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await transport.WaitForAttemptsAsync(attempt);
            var status = await Eventually.UntilAsync(
                () => Task.FromResult(delivery.Status()), s => s.Failed == attempt, Patience, $"failure {attempt} is in the status");
            Assert.Equal(SinkState.Retrying, status.State);
            Assert.Contains("receiver down", status.LastError, StringComparison.Ordinal);
            var delay = status.NextAttemptAt!.Value - status.LastErrorAt!.Value;
            delays.Add(delay);
            var armed = await clock.WaitForTimerAsync(delay, Patience);

            // A moment short of the delay the retry's timer has not fired (the fake clock runs due timers inside
            // Advance), so nothing is sent; at the delay it fires and the same messages go again.
            clock.Fake.Advance(armed.Due - TimeSpan.FromMilliseconds(1));
            Assert.False(armed.Fired, $"retry {attempt} fired before its delay of {armed.Due}");
            Assert.Equal(attempt, transport.Attempts);
            clock.Fake.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(armed.Fired, $"retry {attempt} did not fire at its delay of {armed.Due}");
        }

        await transport.WaitForAttemptsAsync(6);
        for (var i = 0; i < delays.Count; i++)
        {
            var nominal = TimeSpan.FromTicks(Math.Min(Cap.Ticks, Initial.Ticks << i));
            Assert.InRange(delays[i], nominal * (1 - ReconnectJitter), nominal);
        }

        var sent = transport.Batches;
        Assert.Equal(6, sent.Count);
        Assert.All(sent, batch => Assert.Equal(sent[0], batch)); // the same messages, in the same order, every time
        Assert.Equal(3, sent[0].Count);

        // Taken: the checkpoint moves to the last frame and the sink is delivering again.
        var delivered = await Eventually.UntilAsync(
            () => Task.FromResult(delivery.Status()), s => s.State == SinkState.Delivering && s.Delivered == 3, Patience, "the sixth attempt is delivered");
        Assert.Null(delivered.NextAttemptAt);
        Assert.Equal(5, delivered.Failed);
        Assert.Equal(last, delivery.Checkpoints()["cam"]);

        // The next failure starts over at the initial delay: the success reset the backoff. Caught up and without a
        // live feed, the reader waits a second on the clock before it looks at history again.
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(1), Patience);
        transport.FailNext(1);
        await streams.AppendAsync(Frame(4, clock));
        clock.Fake.Advance(TimeSpan.FromSeconds(1));
        var again = await Eventually.UntilAsync(
            () => Task.FromResult(delivery.Status()), s => s.Failed == 6, Patience, "the new frame's first attempt fails");
        Assert.InRange(again.NextAttemptAt!.Value - again.LastErrorAt!.Value, Initial * (1 - ReconnectJitter), Initial);
    }

    private const double ReconnectJitter = VideoAnalytics.Silo.Cameras.ReconnectBackoff.JitterFraction;

    private static DetectionFrame Frame(int index, TimeProvider clock) => new()
    {
        CameraId = "cam",
        FrameIndex = index,
        Timestamp = clock.GetUtcNow(),
        Width = 320,
        Height = 240,
        Model = "m",
        Detections = [new(1, "circle", 0.9f, new(1, 2, 3, 4), 1)],
    };

    /// <summary>Refuses the first sends it is asked for, records every batch and the clock at each attempt.</summary>
    private sealed class ScriptedTransport(TimeProvider clock, int failures) : ISinkTransport
    {
        private readonly ConcurrentQueue<IReadOnlyList<string>> _batches = new();
        private readonly SemaphoreSlim _attempted = new(0);
        private int _failures = failures;
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public IReadOnlyList<IReadOnlyList<string>> Batches => [.. _batches];

        public void FailNext(int count) => Interlocked.Exchange(ref _failures, count);

        public Task SendAsync(IReadOnlyList<SinkMessage> messages, CancellationToken cancellationToken)
        {
            _batches.Enqueue([.. messages.Select(m => $"{m.EventId}@{m.Position}")]);
            Interlocked.Increment(ref _attempts);
            _attempted.Release();
            return Interlocked.Decrement(ref _failures) >= 0
                ? Task.FromException(new SinkDeliveryException($"receiver down at {clock.GetUtcNow():O}"))
                : Task.CompletedTask;
        }

        public async Task WaitForAttemptsAsync(int count)
        {
            while (Attempts < count)
            {
                Assert.True(await _attempted.WaitAsync(Patience), $"attempt {count} of the send did not come (attempts: {Attempts})");
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class OneTransport(ISinkTransport transport) : ISinkTransportFactory
    {
        public ISinkTransport Create(SinkSpec spec) => transport;
    }

    /// <summary>
    /// The fake clock, with every timer made on it recorded and whether it fired: a retry waits on a timer due after its
    /// delay, so the test knows the delay is armed before it moves the clock (moving it earlier would leave the timer a
    /// whole delay to go), and sees exactly when it fires.
    /// </summary>
    private sealed class ObservedClock(FakeTimeProvider fake) : TimeProvider
    {
        private readonly Channel<ArmedTimer> _armed = Channel.CreateUnbounded<ArmedTimer>();

        public FakeTimeProvider Fake { get; } = fake;

        public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

        public override long GetTimestamp() => Fake.GetTimestamp();

        public override long TimestampFrequency => Fake.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var armed = new ArmedTimer(dueTime);
            var timer = Fake.CreateTimer(
                s =>
                {
                    armed.Fired = true;
                    callback(s);
                },
                state, dueTime, period);
            _armed.Writer.TryWrite(armed);
            return timer;
        }

        /// <summary>Waits for a timer due after <paramref name="due"/> (as timers take it: in whole milliseconds), passing
        /// over the others armed before it.</summary>
        public async Task<ArmedTimer> WaitForTimerAsync(TimeSpan due, TimeSpan patience)
        {
            using var timeout = new CancellationTokenSource(patience);
            var others = new List<TimeSpan>();
            try
            {
                while (true)
                {
                    var armed = await _armed.Reader.ReadAsync(timeout.Token);
                    if (armed.Due <= due && due - armed.Due < TimeSpan.FromMilliseconds(1))
                    {
                        return armed;
                    }

                    others.Add(armed.Due);
                }
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no timer of {due} was armed within {patience} (others: {string.Join(", ", others)})");
                throw;
            }
        }
    }

    private sealed class ArmedTimer(TimeSpan due)
    {
        private volatile bool _fired;

        public TimeSpan Due { get; } = due;

        public bool Fired
        {
            get => _fired;
            set => _fired = value;
        }
    }

    /// <summary>
    /// A cluster client with no cluster behind it: every member throws, so the sink's live feed never subscribes and
    /// its readers work from history alone (what they also do while a silo's stream provider is not reachable).
    /// </summary>
#pragma warning disable CA1852 // DispatchProxy derives the proxy type from this class at run time: it must not be sealed
    private class UnreachableCluster : DispatchProxy
#pragma warning restore CA1852
    {
        public static IClusterClient Create() => DispatchProxy.Create<IClusterClient, UnreachableCluster>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"no cluster in this test ({targetMethod?.Name})");
    }
}
