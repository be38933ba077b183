using System.Threading.Channels;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>
/// One subscriber's view of one or more detection streams. A reader per camera replays the stream's stored history
/// after the subscriber's position into its small read-ahead buffer, then hands over to the camera's live Orleans
/// stream (<see cref="LiveDetectionHub"/>) by position: a live frame whose predecessor is the last position read is
/// delivered as it comes; any other (a frame was missed live, or the feed is not subscribed yet) sends the reader back
/// to history, which has every frame. So there is no gap and no duplicate, and the pipeline never waits for a
/// subscriber: one that is slow, or resumes far back, is served from history at its own pace. Only frames that
/// retention deleted before the subscriber read them are lost, and a <see cref="GapEvent"/> says how many and where
/// the retained history starts. A camera that is deleted ends its reader with a <see cref="CameraDeletedEvent"/>
/// (the last of them marked <see cref="CameraDeletedEvent.Last"/>), so subscribers are told rather than left waiting.
/// </summary>
public sealed class DetectionSubscription : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    // How long a reader waits on its live feed before it looks at history anyway: a feed that is subscribed only misses
    // frames in rare cases (which the next live frame reveals), one that is not yet subscribed misses them all.
    private static readonly TimeSpan LiveRecheck = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan NotLiveRecheck = TimeSpan.FromSeconds(1);
    private const int PageSize = 256;

    private readonly IDetectionStreams _streams;
    private readonly IFrameFilter _filter;
    private readonly Channel<SubscriptionEvent> _buffer;
    private readonly CancellationTokenSource _stop;
    private readonly Dictionary<string, string?> _delivered;
    private readonly List<Task> _readers = [];
    private int _camerasLeft;

    private DetectionSubscription(
        IDetectionStreams streams, Dictionary<string, string?> after, IFrameFilter filter, int bufferFrames, CancellationToken cancellationToken)
    {
        _streams = streams;
        _filter = filter;
        _delivered = new Dictionary<string, string?>(after, StringComparer.Ordinal);
        _camerasLeft = after.Count;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _buffer = Channel.CreateBounded<SubscriptionEvent>(
            new BoundedChannelOptions(bufferFrames) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>
    /// Starts a subscription. <paramref name="after"/> maps each camera to the position to resume after; a
    /// camera mapped to null starts live (from its newest frame on).
    /// </summary>
    public static async Task<DetectionSubscription> StartAsync(
        IDetectionStreams streams, LiveDetectionHub live, IReadOnlyDictionary<string, string?> after, IFrameFilter filter, int bufferFrames,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(after);

        // Follow first, then look up where "live" starts: a frame published in between is both in the feed and after
        // the start, so it is delivered once (the reader skips what it has read).
        var feeds = new Dictionary<string, LiveFeed>(StringComparer.Ordinal);
        var start = new Dictionary<string, string?>(StringComparer.Ordinal);
        try
        {
            foreach (var (camera, position) in after)
            {
                feeds[camera] = live.Follow(camera);
                start[camera] = position ?? (await streams.LatestAsync(camera, cancellationToken))?.Position;
            }
        }
        catch
        {
            foreach (var feed in feeds.Values)
            {
                feed.Dispose();
            }

            throw;
        }

        var subscription = new DetectionSubscription(streams, start, filter, Math.Max(1, bufferFrames), cancellationToken);
        foreach (var (camera, position) in start)
        {
            subscription._readers.Add(subscription.ReadCameraAsync(feeds[camera], position, subscription._stop.Token));
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

    private async Task ReadCameraAsync(LiveFeed feed, string? after, CancellationToken cancellationToken)
    {
        using var _ = feed;
        var camera = feed.CameraId;

        // A resume point may lie before what retention kept; later the subscriber may fall that far behind.
        var checkRetention = after is not null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (feed.IsDeleted)
                {
                    // Its history went with it: this is the camera's final word to the subscriber.
                    var last = Interlocked.Decrement(ref _camerasLeft) == 0;
                    await _buffer.Writer.WriteAsync(new CameraDeletedEvent(camera, last), cancellationToken);
                    return;
                }

                IReadOnlyList<StreamEntry> entries;
                try
                {
                    if (checkRetention && after is not null && await _streams.GapAfterAsync(camera, after, cancellationToken) is { } lost)
                    {
                        await _buffer.Writer.WriteAsync(new GapEvent(camera, lost.Missed, lost.FirstMissed, lost.HistoryStartsAt), cancellationToken);
                    }

                    checkRetention = false;
                    entries = await _streams.ReadAsync(camera, after, PageSize, cancellationToken);
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
                    checkRetention |= await OfferAsync(camera, entry.Position, entry.Frame, cancellationToken);
                }

                if (entries.Count == 0)
                {
                    // Caught up with history: live frames that link up with what was read go straight out.
                    (after, var behind) = await FollowLiveAsync(feed, after, cancellationToken);
                    checkRetention |= behind;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the subscriber went away
        }
    }

    /// <summary>
    /// Delivers live frames while each one's predecessor is the last position delivered; returns (the last position,
    /// whether the subscriber made the reader wait) as soon as one does not link up or nothing came for a while, for
    /// the caller to read history from there.
    /// </summary>
    private async Task<(string? After, bool Behind)> FollowLiveAsync(LiveFeed feed, string? after, CancellationToken cancellationToken)
    {
        var behind = false;
        using var recheck = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        recheck.CancelAfter(feed.IsLive ? LiveRecheck : NotLiveRecheck);
        try
        {
            while (await feed.Frames.WaitToReadAsync(recheck.Token))
            {
                while (feed.Frames.TryRead(out var live))
                {
                    if (after is not null && _streams.ComparePositions(live.Position, after) <= 0)
                    {
                        continue; // read from history already
                    }

                    if (live.Previous is null || live.Previous != after)
                    {
                        return (after, behind); // something came in between: history has it
                    }

                    after = live.Position;
                    behind |= await OfferAsync(feed.CameraId, live.Position, live.Frame, cancellationToken);
                    recheck.CancelAfter(feed.IsLive ? LiveRecheck : NotLiveRecheck);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // nothing live for a while: look at history
        }

        return (after, behind);
    }

    /// <summary>Puts one frame (if the filter keeps it) into the buffer; true when the subscriber made us wait.</summary>
    private async ValueTask<bool> OfferAsync(string camera, string position, DetectionFrame frame, CancellationToken cancellationToken)
    {
        var kept = _filter.Apply(frame);
        if (kept is null)
        {
            return false;
        }

        var next = new FrameEvent(camera, position, kept);
        if (_buffer.Writer.TryWrite(next))
        {
            return false;
        }

        // The subscriber is behind: wait for it, reading on from history afterwards.
        await _buffer.Writer.WriteAsync(next, cancellationToken);
        return true;
    }
}
