using System.Threading.Channels;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>
/// One subscriber's view of one or more detection streams. A reader per camera pulls from the stream's stored
/// history (so the pipeline never waits for a subscriber) into this subscriber's small read-ahead buffer, and waits
/// when the buffer is full: a subscriber that is slow, or resumes far back, is served from history at its own pace,
/// without gaps or duplicates, however far behind it is. Only frames that retention deleted before the subscriber
/// read them are lost, and a <see cref="GapEvent"/> says how many and where the retained history starts. Replay
/// starts strictly after the given positions, then continues live.
/// </summary>
public sealed class DetectionSubscription : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);
    private const int PageSize = 256;

    private readonly IDetectionStreams _streams;
    private readonly SubscriptionFilter _filter;
    private readonly Channel<SubscriptionEvent> _buffer;
    private readonly CancellationTokenSource _stop;
    private readonly Dictionary<string, string?> _delivered;
    private readonly List<Task> _readers = [];

    private DetectionSubscription(IDetectionStreams streams, Dictionary<string, string?> after, SubscriptionFilter filter, int bufferFrames, CancellationToken cancellationToken)
    {
        _streams = streams;
        _filter = filter;
        _delivered = new Dictionary<string, string?>(after, StringComparer.Ordinal);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _buffer = Channel.CreateBounded<SubscriptionEvent>(
            new BoundedChannelOptions(bufferFrames) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
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
            if (_buffer.Reader.TryRead(out var next))
            {
                return next is FrameEvent frame ? Deliver(frame) : next;
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
        // A resume point may lie before what retention kept; later the subscriber may fall that far behind.
        var checkRetention = after is not null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                IReadOnlyList<StreamEntry> entries;
                try
                {
                    if (checkRetention && after is not null && await _streams.GapAfterAsync(camera, after, cancellationToken) is { } lost)
                    {
                        await _buffer.Writer.WriteAsync(new GapEvent(camera, lost.Missed, lost.FirstMissed, lost.HistoryStartsAt), cancellationToken);
                    }

                    checkRetention = false;
                    entries = await _streams.ReadAsync(camera, after, PageSize, cancellationToken);
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
                    if (frame is null)
                    {
                        continue;
                    }

                    var next = new FrameEvent(camera, entry.Position, frame);
                    if (!_buffer.Writer.TryWrite(next))
                    {
                        // The subscriber is behind: wait for it, reading on from history afterwards.
                        await _buffer.Writer.WriteAsync(next, cancellationToken);
                        checkRetention = true;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the subscriber went away
        }
    }
}
