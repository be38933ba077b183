using System.Threading.Channels;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>
/// One subscriber's view of one or more detection streams. A reader per camera pulls from the shared stream
/// history (so the pipeline never waits for a subscriber) into this subscriber's bounded buffer; when the
/// subscriber cannot keep up, the oldest buffered frames are dropped and a <see cref="GapEvent"/> tells it how
/// many and where to replay from. Replay starts strictly after the given positions, then continues live,
/// without gaps or duplicates.
/// </summary>
public sealed class DetectionSubscription : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly IDetectionStreams _streams;
    private readonly SubscriptionFilter _filter;
    private readonly Channel<FrameEvent> _buffer;
    private readonly CancellationTokenSource _stop;
    private readonly Dictionary<string, GapAccount> _gaps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _delivered;
    private readonly List<Task> _readers = [];
    private FrameEvent? _pendingFrame;

    private DetectionSubscription(IDetectionStreams streams, Dictionary<string, string?> after, SubscriptionFilter filter, int bufferFrames, CancellationToken cancellationToken)
    {
        _streams = streams;
        _filter = filter;
        _delivered = new Dictionary<string, string?>(after, StringComparer.Ordinal);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _buffer = Channel.CreateBounded<FrameEvent>(
            new BoundedChannelOptions(bufferFrames) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            OnDropped);
        foreach (var camera in after.Keys)
        {
            _gaps[camera] = new GapAccount();
        }
    }

    /// <summary>
    /// Starts a subscription. <paramref name="after"/> maps each camera to the position to resume after; a
    /// camera mapped to null starts live (from its newest frame on).
    /// </summary>
    public static async Task<DetectionSubscription> StartAsync(
        IDetectionStreams streams, IReadOnlyDictionary<string, string?> after, SubscriptionFilter filter, int bufferFrames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(after);
        var start = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (camera, position) in after)
        {
            start[camera] = position ?? (await streams.LatestAsync(camera, cancellationToken))?.Position;
        }

        var subscription = new DetectionSubscription(streams, start, filter, Math.Max(1, bufferFrames), cancellationToken);
        foreach (var (camera, position) in start)
        {
            subscription._readers.Add(subscription.ReadCameraAsync(camera, position, subscription._stop.Token));
        }

        return subscription;
    }

    /// <summary>The cursor of everything delivered so far: <c>camera=position</c> pairs, for composite event ids.</summary>
    public string Cursor
    {
        get
        {
            lock (_delivered)
            {
                return string.Join(',', _delivered.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key}={kv.Value}"));
            }
        }
    }

    /// <summary>
    /// The next event, waiting at most <paramref name="wait"/>; null when nothing arrived in time (the caller
    /// may send a keep-alive). A gap notice precedes the first frame after a loss. Safe to abandon on
    /// cancellation: a frame is only taken from the buffer once it is returned.
    /// </summary>
    public async ValueTask<SubscriptionEvent?> NextAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        timeout.CancelAfter(wait);
        while (true)
        {
            if (_pendingFrame is { } held)
            {
                _pendingFrame = null;
                return Deliver(held);
            }

            if (_buffer.Reader.TryRead(out var next))
            {
                var gap = TakeGap(next.CameraId);
                if (gap is not null)
                {
                    _pendingFrame = next; // the frame follows its gap notice on the next call
                    return gap;
                }

                return Deliver(next);
            }

            try
            {
                if (!await _buffer.Reader.WaitToReadAsync(timeout.Token))
                {
                    throw new OperationCanceledException("the subscription ended");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_stop.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    /// <summary>Events in delivery order: a gap notice precedes the first frame after the loss.</summary>
    public async IAsyncEnumerable<SubscriptionEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            SubscriptionEvent? next;
            try
            {
                next = await NextAsync(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (next is not null)
            {
                yield return next;
            }
        }
    }

    private FrameEvent Deliver(FrameEvent frame)
    {
        lock (_delivered)
        {
            _delivered[frame.CameraId] = frame.Position;
        }

        return frame;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_readers);
        }
        catch (OperationCanceledException)
        {
            // expected: readers stop by cancellation
        }

        _stop.Dispose();
    }

    private async Task ReadCameraAsync(string camera, string? after, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                IReadOnlyList<StreamEntry> entries;
                try
                {
                    entries = await _streams.ReadAsync(camera, after, 256, cancellationToken);
                    if (entries.Count == 0)
                    {
                        await _streams.WaitAsync(camera, after, cancellationToken);
                        continue;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // A store that is briefly away (Redis restarting) must not end the subscription: read on
                    // from the last position once it answers again.
                    await Task.Delay(RetryDelay, cancellationToken);
                    continue;
                }

                foreach (var entry in entries)
                {
                    after = entry.Position;
                    var frame = _filter.Apply(entry.Frame);
                    if (frame is not null)
                    {
                        _buffer.Writer.TryWrite(new FrameEvent(camera, entry.Position, frame));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the subscriber went away
        }
    }

    private void OnDropped(FrameEvent dropped)
    {
        var account = _gaps[dropped.CameraId];
        lock (account)
        {
            if (account.Missed == 0)
            {
                account.FirstMissed = dropped.Position;
                lock (_delivered)
                {
                    account.ResumeAfter = _delivered.GetValueOrDefault(dropped.CameraId);
                }
            }

            account.Missed++;
        }
    }

    private GapEvent? TakeGap(string camera)
    {
        var account = _gaps[camera];
        lock (account)
        {
            if (account.Missed == 0)
            {
                return null;
            }

            var gap = new GapEvent(camera, account.Missed, account.FirstMissed!, account.ResumeAfter);
            account.Missed = 0;
            return gap;
        }
    }

    private sealed class GapAccount
    {
        public long Missed { get; set; }

        public string? FirstMissed { get; set; }

        public string? ResumeAfter { get; set; }
    }
}
