using System.Globalization;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Silo.Sinks;

public sealed partial class SinkDelivery
{
    // History pages: small, so one failed batch resends little (at least once: a batch is resent whole).
    private const int PageSize = 32;
    private static readonly TimeSpan ReadRetryDelay = TimeSpan.FromMilliseconds(500);

    // How long a caught-up reader waits on its live feed before it looks at history anyway (as the gateway's
    // subscriptions do): a subscribed feed rarely misses a frame, one not yet subscribed misses them all.
    private static readonly TimeSpan LiveRecheck = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan NotLiveRecheck = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Delivers one camera's frames in stream order, strictly after <paramref name="checkpoint"/> (none: from the camera's
    /// newest frame on — a new sink starts live, not from the oldest history). The rule of the gateway's subscriptions:
    /// history is read page by page until it has nothing after the checkpoint, then live frames whose predecessor is the
    /// checkpoint go straight out, and any other (one was missed live) sends the reader back to history. So nothing is
    /// skipped and nothing repeated except a batch whose send failed; only frames retention deleted before the sink
    /// delivered them are lost, and those are counted as gaps.
    /// </summary>
    private async Task ReadCameraAsync(string camera, string? checkpoint, CancellationToken cancellationToken)
    {
        var lane = new Lane(_services);
        await using var feed = new SinkLiveFeed(_services.Client, camera);
        var messages = new List<SinkMessage>(PageSize * 2);
        try
        {
            // Follow first, then look up where "live" starts: a frame published in between is both in the feed and
            // after the start, and the reader skips what it has delivered.
            var subscribedAt = _services.Time.GetTimestamp();
            await feed.TrySubscribeAsync();
            var after = checkpoint;
            while (after is null && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    // Where a new sink starts counts as its checkpoint: a restart before its first delivery resumes here.
                    if (await _services.Streams.LatestAsync(camera, cancellationToken) is { } newest)
                    {
                        after = newest.Position;
                        Delivered(camera, newest.Position, newest.Frame.Timestamp);
                    }

                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    await Task.Delay(ReadRetryDelay, _services.Time, cancellationToken);
                }
            }

            var checkRetention = after is not null;
            while (!cancellationToken.IsCancellationRequested)
            {
                IReadOnlyList<StreamEntry> entries;
                try
                {
                    if (checkRetention && after is not null && await _services.Streams.GapAfterAsync(camera, after, cancellationToken) is { } lost)
                    {
                        CountGap(camera, lost);
                    }

                    checkRetention = false;
                    entries = await _services.Streams.ReadAsync(camera, after, PageSize, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // The store is briefly away (Redis restarting): read on from the checkpoint once it answers.
                    await Task.Delay(ReadRetryDelay, _services.Time, cancellationToken);
                    continue;
                }

                if (entries.Count > 0)
                {
                    messages.Clear();
                    foreach (var entry in entries)
                    {
                        _builder.AddFrame(camera, entry.Position, entry.Frame, zone => OccupancyOf(camera, zone), messages);
                    }

                    var failedBefore = lane.Backoff.Attempts;
                    await SendAsync(lane, messages, cancellationToken);
                    Delivered(camera, entries[^1].Position, entries[^1].Frame.Timestamp);
                    after = entries[^1].Position;

                    // Behind (a full page) or held up by retries: retention may have overtaken the checkpoint.
                    checkRetention = entries.Count == PageSize || failedBefore > 0;
                    continue;
                }

                if (!feed.IsLive && _services.Time.GetElapsedTime(subscribedAt) > LiveRecheck)
                {
                    subscribedAt = _services.Time.GetTimestamp();
                    await feed.TrySubscribeAsync();
                }

                after = await FollowLiveAsync(camera, feed, after, lane, messages, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // the sink stops, or no longer follows the camera
        }
    }

    /// <summary>
    /// Delivers live frames while each one's predecessor is the checkpoint; returns the checkpoint as soon as one does
    /// not link up or nothing came for a while, for the caller to read history from there.
    /// </summary>
    private async Task<string?> FollowLiveAsync(
        string camera, SinkLiveFeed feed, string? after, Lane lane, List<SinkMessage> messages, CancellationToken cancellationToken)
    {
        // The quiet period runs on the silo's clock, as every other wait of the sink does (tests drive it).
        using var quiet = new CancellationTokenSource(feed.IsLive ? LiveRecheck : NotLiveRecheck, _services.Time);
        using var recheck = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, quiet.Token);
        try
        {
            while (await feed.Frames.WaitToReadAsync(recheck.Token))
            {
                while (feed.Frames.TryRead(out var live))
                {
                    if (after is not null && _services.Streams.ComparePositions(live.Position, after) <= 0)
                    {
                        continue; // delivered from history already
                    }

                    if (live.Previous is null || live.Previous != after)
                    {
                        return after; // something came in between: history has it
                    }

                    messages.Clear();
                    _builder.AddFrame(camera, live.Position, live.Frame, zone => OccupancyOf(camera, zone), messages);
                    await SendAsync(lane, messages, cancellationToken);
                    Delivered(camera, live.Position, live.Frame.Timestamp);
                    after = live.Position;
                    quiet.CancelAfter(feed.IsLive ? LiveRecheck : NotLiveRecheck);
                }
            }

            // The feed completed (the sink stops): nothing more comes live.
            await Task.Delay(NotLiveRecheck, _services.Time, recheck.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // nothing live for a while: look at history
        }

        return after;
    }

    private void Delivered(string camera, string position, DateTimeOffset capturedAt)
    {
        lock (_gate)
        {
            if (_progress.TryGetValue(camera, out var p) && !p.Dropped)
            {
                p.Delivered = position;
                p.DeliveredAt = capturedAt;
            }
        }
    }

    private void CountGap(string camera, RetentionGap lost)
    {
        lock (_gate)
        {
            if (_progress.TryGetValue(camera, out var p))
            {
                p.Gaps += lost.Missed ?? 1;
            }
        }

        _services.Metrics.Gap(_spec.Id, camera);
        LogGap(_spec.Id, camera, lost.Missed?.ToString(CultureInfo.InvariantCulture) ?? "some", lost.FirstMissed);
    }
}
