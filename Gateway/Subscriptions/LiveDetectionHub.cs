using System.Threading.Channels;
using Orleans.Runtime;
using Orleans.Streams;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>
/// This gateway's subscriptions to the cameras' live Orleans streams: one Orleans subscription per camera however many
/// clients follow it, fanned out to each follower's <see cref="LiveFeed"/>, and dropped when the last follower leaves.
/// A feed is a hint, not the record: it may miss frames (a follower too slow, a queue reader that moved, a
/// subscription lost with Redis' data), and followers read the stored history whenever the live frames do not link
/// up. Subscriptions are checked every <see cref="RenewInterval"/> and made again if Orleans no longer has them.
/// </summary>
/// <remarks>
/// Deleted cameras: a camera's stream simply falls silent when it is deleted, so without a word its followers would
/// wait forever. The hub watches the registry's change announcements (in-process in the all-in-one service, a Redis
/// channel in a cluster: every gateway hears every deletion, whichever gateway made it) and, as a safety net for a
/// missed announcement, looks the camera up in the registry at every subscription check. A followed camera that is
/// gone ends its feeds with <see cref="LiveFeed.IsDeleted"/> set, and its subscribers send their final event.
/// </remarks>
public sealed partial class LiveDetectionHub : IAsyncDisposable
{
    /// <summary>How often each camera's subscription is checked with Orleans' pub-sub (and made again if gone).</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(15);

    private const int FeedCapacity = 256;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan UnsubscribeTimeout = TimeSpan.FromSeconds(2);

    private readonly IClusterClient _client;
    private readonly ICameraRegistry? _registry;
    private readonly ILogger<LiveDetectionHub> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CameraFeeds> _cameras = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    /// <param name="client">Reaches the live streams.</param>
    /// <param name="logger">For subscription trouble.</param>
    /// <param name="registry">Tells deleted cameras; without it (tests of the stream plumbing alone) followers of a
    /// deleted camera are not told.</param>
    public LiveDetectionHub(IClusterClient client, ILogger<LiveDetectionHub> logger, ICameraRegistry? registry = null)
    {
        _client = client;
        _logger = logger;
        _registry = registry;
        if (registry is not null)
        {
            registry.Changed += OnCameraChanged;
        }
    }

    /// <summary>
    /// Follows <paramref name="cameraId"/>'s live stream from now on. The feed may start before its subscription is in
    /// place (<see cref="LiveFeed.IsLive"/> says when it is); whatever comes before is in the history.
    /// </summary>
    public LiveFeed Follow(string cameraId)
    {
        ArgumentNullException.ThrowIfNull(cameraId);
        var feed = new LiveFeed(this, cameraId, Channel.CreateBounded<LiveDetection>(
            new BoundedChannelOptions(FeedCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false }));
        lock (_gate)
        {
            if (!_cameras.TryGetValue(cameraId, out var camera) || camera.IsDeleted)
            {
                camera = new CameraFeeds(cameraId);
                _cameras[cameraId] = camera;
                camera.Keeper = KeepSubscribedAsync(camera);
            }

            camera.Feeds = [.. camera.Feeds, feed];
            feed.Camera = camera;
        }

        return feed;
    }

    internal void Leave(LiveFeed feed)
    {
        lock (_gate)
        {
            var camera = feed.Camera;
            camera.Feeds = [.. camera.Feeds.Where(f => f != feed)];
            if (camera.Feeds.Length == 0 && _cameras.TryGetValue(camera.Id, out var current) && current == camera)
            {
                _cameras.Remove(camera.Id);
                camera.Stop.Cancel();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_registry is not null)
        {
            _registry.Changed -= OnCameraChanged;
        }

        Task[] keepers;
        lock (_gate)
        {
            keepers = [.. _cameras.Values.Select(c => c.Keeper)];
            foreach (var camera in _cameras.Values)
            {
                camera.Stop.Cancel();
            }

            _cameras.Clear();
        }

        await _stop.CancelAsync();
        await Task.WhenAll(keepers);
        _stop.Dispose();
    }

    // Raised by the registry on the thread that made the change (or Redis' subscriber thread): only starts the look-up.
    private void OnCameraChanged(string id)
    {
        CameraFeeds? camera;
        lock (_gate)
        {
            camera = _cameras.GetValueOrDefault(id);
        }

        if (camera is not null)
        {
            _ = CheckDeletedAsync(camera, _stop.Token);
        }
    }

    /// <summary>Ends the camera's feeds when the registry no longer has it; true when it was deleted.</summary>
    private async Task<bool> CheckDeletedAsync(CameraFeeds camera, CancellationToken cancellationToken)
    {
        if (_registry is null || camera.IsDeleted)
        {
            return camera.IsDeleted;
        }

        try
        {
            if (await _registry.GetAsync(camera.Id, cancellationToken) is not null)
            {
                return false;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // The registry is briefly away (Redis restarting): the next subscription check asks again.
            LogRegistryFailed(camera.Id, e.Message);
            return false;
        }

        lock (_gate)
        {
            if (camera.IsDeleted)
            {
                return true; // told already (the announcement and a subscription check both found it gone)
            }

            // A camera added again under the same id gets fresh feeds; these followers followed the deleted one.
            if (_cameras.TryGetValue(camera.Id, out var current) && current == camera)
            {
                _cameras.Remove(camera.Id);
            }

            camera.MarkDeleted();
        }

        camera.Stop.Cancel();
        LogDeleted(camera.Id, camera.Feeds.Length);
        return true;
    }

    // One loop per followed camera: subscribe, check the subscription now and then, unsubscribe when nobody follows.
    private async Task KeepSubscribedAsync(CameraFeeds camera)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(camera.Stop.Token, _stop.Token);
        StreamSubscriptionHandle<LiveDetection>? handle = null;
        IAsyncStream<LiveDetection>? stream = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                // First thing, and at every renewal: a camera deleted between a subscriber's registry look-up and its
                // Follow (before the hub could hear the announcement), or whose announcement was missed, is caught
                // here, even while no silo can be reached to subscribe.
                if (await CheckDeletedAsync(camera, stop.Token))
                {
                    break;
                }

                try
                {
                    stream ??= _client.GetStreamProvider(DetectionStreamNames.Provider)
                        .GetStream<LiveDetection>(StreamId.Create(DetectionStreamNames.Namespace, camera.Id));
                    if (handle is null || !(await stream.GetAllSubscriptionHandles()).Any(h => h.HandleId == handle.HandleId))
                    {
                        handle = await stream.SubscribeAsync((item, _) =>
                        {
                            camera.Deliver(item);
                            return Task.CompletedTask;
                        });
                        camera.IsLive = true;
                    }

                    await Task.Delay(RenewInterval, stop.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // No silo reachable yet, or pub-sub briefly away: followers read history meanwhile.
                    camera.IsLive = false;
                    handle = null;
                    LogSubscribeFailed(camera.Id, e.Message);
                    await Task.Delay(RetryDelay, stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // nobody follows the camera any more, or the gateway stops
        }

        camera.IsLive = false;
        if (handle is not null)
        {
            try
            {
                // Bounded: at shutdown the silos may be unreachable, and a call would wait for Orleans' response timeout.
                await handle.UnsubscribeAsync().WaitAsync(UnsubscribeTimeout);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The silos may be gone already (shutdown); Orleans drops subscriptions of a client that left, and a
                // silo's pulling agent drops a consumer it cannot reach.
                LogUnsubscribeFailed(camera.Id, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Debug, Message = "Live stream of camera {CameraId} not subscribed yet ({Reason}); its followers read history")]
    private partial void LogSubscribeFailed(string cameraId, string reason);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Information, Message = "Camera {CameraId} was deleted; telling its {Followers} live followers")]
    private partial void LogDeleted(string cameraId, int followers);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Debug, Message = "Looking camera {CameraId} up in the registry failed ({Reason}); asking again at the next check")]
    private partial void LogRegistryFailed(string cameraId, string reason);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Debug, Message = "Unsubscribing from the live stream of camera {CameraId} failed ({Reason})")]
    private partial void LogUnsubscribeFailed(string cameraId, string reason);

    /// <summary>The followers of one camera and the state of its subscription.</summary>
    internal sealed class CameraFeeds(string id)
    {
        public string Id { get; } = id;

        public CancellationTokenSource Stop { get; } = new();

        public Task Keeper { get; set; } = Task.CompletedTask;

        private volatile LiveFeed[] _feeds = [];
        private volatile bool _isLive;
        private volatile bool _isDeleted;

        /// <summary>Copy-on-write under the hub's lock; delivery reads it without one.</summary>
        public LiveFeed[] Feeds
        {
            get => _feeds;
            set => _feeds = value;
        }

        public bool IsLive
        {
            get => _isLive;
            set => _isLive = value;
        }

        /// <summary>The camera was deleted: its feeds are complete and new followers get fresh ones.</summary>
        public bool IsDeleted => _isDeleted;

        /// <summary>Under the hub's lock, so that no follower joins unseen.</summary>
        public void MarkDeleted()
        {
            _isDeleted = true;
            foreach (var feed in Feeds)
            {
                feed.Complete();
            }
        }

        public void Deliver(LiveDetection item)
        {
            foreach (var feed in Feeds)
            {
                feed.Offer(item);
            }
        }
    }
}
