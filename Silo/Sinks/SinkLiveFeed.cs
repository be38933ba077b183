using System.Threading.Channels;
using Orleans.Runtime;
using Orleans.Streams;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// A sink reader's subscription to one camera's live Orleans stream: a wake-up, and a frame the reader may deliver
/// straight away when its predecessor is the reader's checkpoint. A hint, not the record (it drops its oldest item when
/// the reader is behind, and may not be subscribed yet): the reader reads history whenever live frames do not link up.
/// </summary>
/// <remarks>
/// The gateway's <c>LiveDetectionHub</c> fans one subscription out to many followers; a sink follows a camera once,
/// so a subscription of its own is simpler and ends with the sink (a silo's subscriptions die with it; the survivor's
/// activation subscribes again).
/// </remarks>
internal sealed class SinkLiveFeed : IAsyncDisposable
{
    private const int Capacity = 64;
    private static readonly TimeSpan UnsubscribeTimeout = TimeSpan.FromSeconds(2);

    private readonly IClusterClient _client;
    private readonly string _camera;
    private readonly Channel<LiveDetection> _frames = Channel.CreateBounded<LiveDetection>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private StreamSubscriptionHandle<LiveDetection>? _handle;

    public SinkLiveFeed(IClusterClient client, string camera)
    {
        _client = client;
        _camera = camera;
    }

    public bool IsLive => _handle is not null;

    public ChannelReader<LiveDetection> Frames => _frames.Reader;

    /// <summary>Subscribes if not subscribed yet; false when that failed (no stream provider reachable yet).</summary>
    public async Task<bool> TrySubscribeAsync()
    {
        if (_handle is not null)
        {
            return true;
        }

        try
        {
            var stream = _client.GetStreamProvider(DetectionStreamNames.Provider)
                .GetStream<LiveDetection>(StreamId.Create(DetectionStreamNames.Namespace, _camera));
            _handle = await stream.SubscribeAsync((item, _) =>
            {
                _frames.Writer.TryWrite(item);
                return Task.CompletedTask;
            });
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _frames.Writer.TryComplete();
        if (_handle is { } handle)
        {
            _handle = null;
            try
            {
                await handle.UnsubscribeAsync().WaitAsync(UnsubscribeTimeout);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The silo is stopping; its subscriptions go with it.
            }
        }
    }
}
