using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Cameras;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// One sink's delivery, the work its <see cref="SinkGrain"/> owns off the grain's turns (like a camera's capture): a
/// reader per chosen camera that delivers that camera's frames and events in stream order from the sink's checkpoint
/// (<see cref="ReadCameraAsync"/>), a sender of camera state changes, and a tick every <see cref="SinkOptions.PollInterval"/> that
/// follows the camera registry (new cameras, removed ones), polls the cameras' statuses (state changes, zone
/// occupancy) and measures the lag. The grain reads <see cref="Checkpoints"/> and <see cref="Status"/> in its turns.
/// </summary>
/// <remarks>
/// <para>Isolation: a reader only reads the camera's history and a live subscription of its own that drops its oldest
/// frame when full, so a slow or dead receiver never slows a camera, a subscriber or another sink (each sink its own
/// loop); its backlog is whatever the stream's retention still holds, reported as lag.</para>
/// <para>Retries: a failed send is retried from the same messages, after an exponential backoff with jitter
/// (<see cref="SinkOptions.RetryInitialDelay"/> doubling to <see cref="SinkOptions.RetryMaxDelay"/>), per camera; meanwhile the camera's checkpoint does
/// not move. Sends through the one transport are serialized, so a transport never sees two batches at once.</para>
/// </remarks>
public sealed partial class SinkDelivery : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly SinkSpec _spec;
    private readonly SinkServices _services;
    private readonly string _silo;
    private readonly ILogger _logger;
    private readonly SinkMessageBuilder _builder;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Progress> _progress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _initial;
    private readonly Dictionary<string, (CancellationTokenSource Stop, Task Reader)> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (CameraState State, DateTimeOffset At)> _seenStates = new(StringComparer.Ordinal);
    private readonly Channel<SinkMessage> _states = Channel.CreateBounded<SinkMessage>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private volatile Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>> _occupancy = new(StringComparer.Ordinal);
    private ISinkTransport? _transport;
    private Task _run = Task.CompletedTask;
    private string? _configError;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private long _delivered;
    private long _failed;
    private int _retrying;
    private DateTimeOffset? _nextAttemptAt;

    /// <param name="spec">The sink.</param>
    /// <param name="checkpoints">The last position delivered per camera, from grain storage.</param>
    /// <param name="services">The silo's streams, registry, status board, transports, metrics, clock.</param>
    /// <param name="silo">This silo's name, for the status.</param>
    public SinkDelivery(SinkSpec spec, IReadOnlyDictionary<string, string> checkpoints, SinkServices services, string silo)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(services);
        _spec = spec;
        _services = services;
        _silo = silo;
        _initial = new Dictionary<string, string>(checkpoints, StringComparer.Ordinal);
        _logger = services.Loggers.CreateLogger<SinkDelivery>();
        _builder = new SinkMessageBuilder(spec);
    }

    public SinkSpec Spec => _spec;

    public void Start()
    {
        _services.Metrics.Track(_spec.Id, () => Status().Cameras);
        _run = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>The checkpoint of every camera the sink delivered something of, or was resumed with.</summary>
    public Dictionary<string, string> Checkpoints()
    {
        lock (_gate)
        {
            var checkpoints = new Dictionary<string, string>(_initial, StringComparer.Ordinal);
            foreach (var (camera, progress) in _progress)
            {
                if (progress.Delivered is { } position)
                {
                    checkpoints[camera] = position;
                }
                else if (progress.Dropped)
                {
                    checkpoints.Remove(camera);
                }
            }

            return checkpoints;
        }
    }

    public SinkStatus Status()
    {
        lock (_gate)
        {
            var cameras = new List<SinkCameraStatus>(_progress.Count);
            foreach (var (camera, p) in _progress)
            {
                if (!p.Dropped)
                {
                    cameras.Add(new SinkCameraStatus
                    {
                        Camera = camera, Checkpoint = p.Delivered, Newest = p.Newest, LagPositions = p.LagPositions, LagSeconds = p.LagSeconds, Gaps = p.Gaps,
                    });
                }
            }

            cameras.Sort((a, b) => string.CompareOrdinal(a.Camera, b.Camera));
            return new SinkStatus
            {
                Id = _spec.Id,
                State = _configError is not null ? SinkState.Failed : _retrying > 0 ? SinkState.Retrying : SinkState.Delivering,
                LastError = _configError ?? _lastError,
                LastErrorAt = _lastErrorAt,
                Delivered = _delivered,
                Failed = _failed,
                NextAttemptAt = _retrying > 0 ? _nextAttemptAt : null,
                Cameras = cameras,
                Silo = _silo,
                UpdatedAt = _services.Time.GetUtcNow(),
            };
        }
    }

    /// <summary>Stops the loops (an in-flight send is cancelled: its messages are sent again from the checkpoint).</summary>
    public async ValueTask DisposeAsync()
    {
        _services.Metrics.Forget(_spec.Id);
        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(StopTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogStopSlow(_spec.Id, e.GetType().Name);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            _transport = _services.Transports.Create(_spec);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            lock (_gate)
            {
                _configError = UrlRedaction.Redact(e.Message);
                _lastErrorAt = _services.Time.GetUtcNow();
            }

            LogConfigFailed(_spec.Id, _configError);
            return;
        }

        _services.Cameras.Changed += OnCamerasChanged;
        var states = Task.Run(() => SendStatesAsync(cancellationToken), CancellationToken.None);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    LogTickFailed(_spec.Id, e.GetType().Name, UrlRedaction.Redact(e.Message));
                }

                try
                {
                    await _wake.WaitAsync(_services.Options.PollInterval, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            _services.Cameras.Changed -= OnCamerasChanged;
            foreach (var (stop, _) in _readers.Values)
            {
                await stop.CancelAsync();
            }

            await Task.WhenAll([states, .. _readers.Values.Select(r => r.Reader)]).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var (stop, _) in _readers.Values)
            {
                stop.Dispose();
            }

            await _transport.DisposeAsync();
        }
    }

    private void OnCamerasChanged(string id)
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Follows the registry, reports camera states, refreshes occupancy and lag.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var registered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var camera in await _services.Cameras.ListAsync(cancellationToken))
        {
            registered.Add(camera.Id);
        }

        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in _spec.Cameras.Count == 0 ? registered : (IEnumerable<string>)_spec.Cameras)
        {
            if (registered.Contains(id))
            {
                chosen.Add(id);
            }
        }

        foreach (var camera in chosen)
        {
            if (!_readers.ContainsKey(camera))
            {
                var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                string? checkpoint;
                lock (_gate)
                {
                    checkpoint = _initial.GetValueOrDefault(camera);
                    _progress[camera] = new Progress { Delivered = checkpoint };
                }

                _readers[camera] = (stop, Task.Run(() => ReadCameraAsync(camera, checkpoint, stop.Token), CancellationToken.None));
            }
        }

        foreach (var camera in _readers.Keys.Where(c => !chosen.Contains(c)).ToList())
        {
            // The camera was deleted (its stream with it) or the sink no longer chooses it: forget its checkpoint.
            var (stop, reader) = _readers[camera];
            _readers.Remove(camera);
            await stop.CancelAsync();
            await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stop.Dispose();
            lock (_gate)
            {
                _initial.Remove(camera);
                _progress[camera] = new Progress { Dropped = true };
            }
        }

        var occupancy = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>>(StringComparer.Ordinal);
        foreach (var status in await _services.StatusBoard.ListAsync(cancellationToken))
        {
            if (!chosen.Contains(status.Id))
            {
                continue;
            }

            occupancy[status.Id] = status.Scene.Occupancy;
            if (_builder.Wants(SinkEventTypes.CameraState)
                && (!_seenStates.TryGetValue(status.Id, out var seen) || seen.State != status.State))
            {
                _seenStates[status.Id] = (status.State, status.UpdatedAt);
                _states.Writer.TryWrite(SinkMessageBuilder.CameraState(status));
            }
        }

        _occupancy = occupancy;
        foreach (var camera in chosen)
        {
            await MeasureLagAsync(camera, cancellationToken);
        }
    }

    private async Task MeasureLagAsync(string camera, CancellationToken cancellationToken)
    {
        string? delivered;
        lock (_gate)
        {
            delivered = _progress.GetValueOrDefault(camera)?.Delivered;
        }

        var newest = await _services.Streams.LatestAsync(camera, cancellationToken);
        var behind = delivered is null ? null : await _services.Streams.CountAfterAsync(camera, delivered, cancellationToken);
        lock (_gate)
        {
            if (!_progress.TryGetValue(camera, out var p) || p.Dropped)
            {
                return;
            }

            p.Newest = newest?.Position;
            if (newest is null || p.Delivered is null)
            {
                p.LagPositions = newest is null ? 0 : null;
                p.LagSeconds = null;
                return;
            }

            // Counted from the checkpoint read above: a page delivered meanwhile makes it an overestimate by that page
            // until the next measurement, never an underestimate.
            p.LagPositions = behind;
            p.LagSeconds = p.DeliveredAt is { } at ? Math.Max(0, (newest.Frame.Timestamp - at).TotalSeconds) : null;
        }
    }

    private IReadOnlyDictionary<string, int>? OccupancyOf(string camera, string zone) =>
        _occupancy.GetValueOrDefault(camera)?.GetValueOrDefault(zone);

    private async Task SendStatesAsync(CancellationToken cancellationToken)
    {
        var lane = new Lane(_services);
        try
        {
            await foreach (var message in _states.Reader.ReadAllAsync(cancellationToken))
            {
                await SendAsync(lane, [message], cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Sends until the receiver takes the messages (or the sink stops), backing off between attempts.</summary>
    private async Task SendAsync(Lane lane, IReadOnlyList<SinkMessage> messages, CancellationToken cancellationToken)
    {
        while (true)
        {
            string error;
            await _send.WaitAsync(cancellationToken);
            try
            {
                await _transport!.SendAsync(messages, cancellationToken);
                Succeeded(lane, messages.Count);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                error = UrlRedaction.Redact(e is SinkDeliveryException ? e.Message : $"{e.GetType().Name}: {e.Message}");
            }
            finally
            {
                _send.Release();
            }

            var delay = lane.Backoff.Schedule();
            var now = _services.Time.GetUtcNow();
            lock (_gate)
            {
                _failed++;
                _lastError = error;
                _lastErrorAt = now;
                if (!lane.Retrying)
                {
                    lane.Retrying = true;
                    _retrying++;
                }

                _nextAttemptAt = now + delay;
            }

            _services.Metrics.Failed(_spec.Id);
            if (lane.Backoff.Attempts == 1 || lane.Backoff.Attempts % 10 == 0)
            {
                LogSendFailed(_spec.Id, lane.Backoff.Attempts, error, delay.TotalSeconds);
            }

            await Task.Delay(delay, _services.Time, cancellationToken);
        }
    }

    private void Succeeded(Lane lane, int messages)
    {
        lane.Backoff.Reset();
        lock (_gate)
        {
            _delivered += messages;
            if (lane.Retrying)
            {
                lane.Retrying = false;
                _retrying--;
            }
        }

        if (messages > 0)
        {
            _services.Metrics.Delivered(_spec.Id, messages);
        }
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Error, Message = "Sink {Sink} cannot run: {Reason}")]
    private partial void LogConfigFailed(string sink, string reason);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Sink {Sink}: delivery failed (attempt {Attempt}): {Reason}; retrying in {Delay:0.#} s")]
    private partial void LogSendFailed(string sink, int attempt, string reason, double delay);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "Sink {Sink}: following cameras failed ({Kind}): {Reason}; trying again")]
    private partial void LogTickFailed(string sink, string kind, string reason);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Warning, Message = "Sink {Sink}: retention deleted frames of camera {Camera} before they were delivered ({Missed} frames from {FirstMissed})")]
    private partial void LogGap(string sink, string camera, string missed, string? firstMissed);

    [LoggerMessage(EventId = 2605, Level = LogLevel.Warning, Message = "Sink {Sink}: delivery did not stop in time ({Kind})")]
    private partial void LogStopSlow(string sink, string kind);

    /// <summary>Where the sink stands on one camera; touched under the delivery's lock.</summary>
    private sealed class Progress
    {
        public string? Delivered { get; set; }

        public DateTimeOffset? DeliveredAt { get; set; }

        public string? Newest { get; set; }

        public long? LagPositions { get; set; }

        public double? LagSeconds { get; set; }

        public long Gaps { get; set; }

        /// <summary>The camera left the sink: its checkpoint is forgotten.</summary>
        public bool Dropped { get; set; }
    }

    /// <summary>One ordered sequence of sends (a camera, or the state changes) with its own backoff.</summary>
    private sealed class Lane(SinkServices services)
    {
        public ReconnectBackoff Backoff { get; } = new(services.Options.RetryInitialDelay, services.Options.RetryMaxDelay, services.Time);

        public bool Retrying { get; set; }
    }
}
