using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Silo.Streams;

/// <summary>
/// Publishes a silo's detection frames: first into the camera's stored history (<see cref="IDetectionStreams"/>,
/// which assigns the position and refuses a superseded epoch), then, for the frames it kept, live on the camera's
/// Orleans stream as a <see cref="LiveDetection"/>. The history is the record; the live stream only spares subscribers
/// from asking it. A live publish that fails (the stream's queue briefly unreachable) is logged and the frame stays
/// published: subscribers notice the break in <see cref="LiveDetection.Previous"/> and read it from history.
/// </summary>
/// <remarks>
/// The predecessor each live frame carries comes from the store's append itself (in the same transaction or script),
/// so it is the stream's true predecessor whoever else appended: subscribers may trust it to skip history.
/// </remarks>
public sealed partial class DetectionPublisher(IDetectionStreams history, IServiceProvider services, ILogger<DetectionPublisher> logger)
{
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, IAsyncStream<LiveDetection>> _live = new(StringComparer.Ordinal);
    private readonly Lazy<IStreamProvider> _provider = new(() => services.GetRequiredKeyedService<IStreamProvider>(DetectionStreamNames.Provider));
    private long _lastFailureLogTicks = long.MinValue / 2; // "long ago" without overflowing the subtraction

    /// <summary>The frame's position in its camera's history, or null when the store refused its epoch.</summary>
    public async Task<string?> PublishAsync(DetectionFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var camera = frame.CameraId ?? throw new ArgumentException("a published frame needs a camera id", nameof(frame));
        if (await history.AppendAsync(frame, cancellationToken) is not { } appended)
        {
            return null;
        }

        try
        {
            // Looked up first: GetOrAdd with a method group would allocate its delegate for every frame.
            var stream = _live.TryGetValue(camera, out var known) ? known : _live.GetOrAdd(camera, StreamOf);
            await stream.OnNextAsync(new LiveDetection(appended.Position, appended.Previous, frame));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogLiveFailureThrottled(camera, e);
        }

        return appended.Position;
    }

    private IAsyncStream<LiveDetection> StreamOf(string camera) =>
        _provider.Value.GetStream<LiveDetection>(StreamId.Create(DetectionStreamNames.Namespace, camera));

    private void LogLiveFailureThrottled(string camera, Exception e)
    {
        var now = Environment.TickCount64;
        var lastLog = Interlocked.Read(ref _lastFailureLogTicks);
        if (now - lastLog >= FailureLogInterval.TotalMilliseconds && Interlocked.CompareExchange(ref _lastFailureLogTicks, now, lastLog) == lastLog)
        {
            LogLiveFailure(camera, e.Message);
        }
    }

    [LoggerMessage(EventId = 2701, Level = LogLevel.Warning,
        Message = "Live publish of camera {CameraId} failed ({Reason}); its frames stay in history and subscribers read them there (repeats are logged every 30 s)")]
    private partial void LogLiveFailure(string cameraId, string reason);
}
