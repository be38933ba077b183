using System.Threading.Channels;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>
/// One follower's copy of a camera's live frames (<see cref="LiveDetectionHub.Follow"/>): a small buffer that drops its
/// oldest frame when the follower is behind (the follower then reads history, which has it). Dispose to stop following.
/// </summary>
public sealed class LiveFeed : IDisposable
{
    private readonly LiveDetectionHub _hub;
    private readonly Channel<LiveDetection> _frames;
    private int _disposed;

    internal LiveFeed(LiveDetectionHub hub, string cameraId, Channel<LiveDetection> frames)
    {
        _hub = hub;
        CameraId = cameraId;
        _frames = frames;
    }

    public string CameraId { get; }

    /// <summary>Whether the camera's Orleans subscription is in place (frames arrive here as they are published).</summary>
    public bool IsLive => Camera.IsLive;

    /// <summary>The camera was deleted: no frame will come, and <see cref="Frames"/> is complete.</summary>
    public bool IsDeleted => Camera.IsDeleted;

    public ChannelReader<LiveDetection> Frames => _frames.Reader;

    internal LiveDetectionHub.CameraFeeds Camera { get; set; } = null!;

    internal void Offer(LiveDetection item) => _frames.Writer.TryWrite(item);

    internal void Complete() => _frames.Writer.TryComplete();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _hub.Leave(this);
            _frames.Writer.TryComplete();
        }
    }
}
