using Microsoft.Extensions.Logging;
using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// The capture side of one camera, owned by its <see cref="CameraGrain"/>: reads the source on a dedicated thread
/// (never inside a grain turn: a blocking read there would hold up the grain's control calls), samples frames down to the camera's fps (every frame is
/// decoded, only the kept ones are converted to BGR) and offers them to its <see cref="FrameSlot"/> (latest frame
/// wins). Reconnects with backoff forever until stopped or disabled.
/// </summary>
/// <remarks>
/// <para>Threading: the capture state (source, sampler, backoff, the frame being filled) lives in a
/// <see cref="CaptureLoop"/> owned by one thread. Other threads talk to it only through <see cref="Update"/> (a new
/// spec the loop picks up between reads), <see cref="StopAsync"/> and the <see cref="Status"/> snapshot.</para>
/// <para>Blocked reads: FFmpeg reads time out after <c>min(ReadTimeout, WatchdogTimeout)</c>, and the loop itself
/// treats a frameless <see cref="CameraOptions.WatchdogTimeout"/> as a stall. Should a native read still not return
/// (a backend without timeouts), a watchdog timer abandons that loop: it bumps the generation and starts a fresh
/// loop on a new thread. The stuck thread keeps its source and frame buffer; when its read finally returns it sees it
/// is stale, disposes the source itself and exits. A native handle is thus never released while another thread is
/// inside it, and nothing stale is ever offered or published.</para>
/// <para>States: <c>Failed</c> without retry for URLs that cannot work as written (malformed, unsupported scheme,
/// outside the media roots) until the spec changes; <c>Failed</c> with retries for a file that cannot be opened or
/// decoded (it may be replaced); <c>Reconnecting</c> with retries for network sources.</para>
/// </remarks>
public sealed partial class CameraCapture : IAsyncDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RateWindowLength = TimeSpan.FromSeconds(3);

    private readonly FrameSlot _slot;
    private readonly CameraOptions _options;
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<CameraCapture> _logger;
    private readonly string _silo;
    private readonly KeyValuePair<string, object?> _cameraTag;
    private readonly KeyValuePair<string, object?> _replacedTag = new("reason", "replaced");
    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly RateWindow _inputRate;
    private readonly RateWindow _processedRate;
    private volatile CameraSpec _spec;
    private volatile bool _stopping;
    private volatile CaptureLoop? _loop;
    private ITimer? _watchdog;
    private Task? _stopTask;
    private int _generation;
    private CameraState _state = CameraState.Starting;
    private string? _lastError;
    private CameraFailure? _lastFailure;
    private long _lastFrameUtcTicks;
    private long _framesRead;
    private long _framesCaptured;

    public CameraCapture(CameraSpec spec, FrameSlot slot, CameraOptions options, PipelineMetrics metrics, TimeProvider time,
        ILogger<CameraCapture> logger, string silo)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(silo);
        CheckFps(spec);
        _spec = spec;
        _slot = slot;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _silo = silo;
        _cameraTag = new KeyValuePair<string, object?>("camera", spec.Id);
        metrics.Track(spec.Id); // its grain forgets it when the camera leaves this silo
        _inputRate = new RateWindow(time, RateWindowLength);
        _processedRate = new RateWindow(time, RateWindowLength);
        OpenOptions = new VideoSourceOptions
        {
            Backend = VideoBackend.FFmpeg,
            RtspTransport = options.RtspTransport,
            OpenTimeout = options.OpenTimeout,
            // A read must come back in time for the watchdog to act on it.
            ReadTimeout = options.ReadTimeout < options.WatchdogTimeout ? options.ReadTimeout : options.WatchdogTimeout,
        };
    }

    public string Id => _spec.Id;

    /// <summary>How sources are opened (FFmpeg with the configured timeouts). Tests swap in a backend whose reads
    /// ignore timeouts to exercise the watchdog's abandon path; set it before <see cref="Start"/>.</summary>
    internal VideoSourceOptions OpenOptions { get; set; }

    /// <summary>How the probe resolves host names; null: DNS. Tests point a name at a link-local address without a
    /// resolver of their own; set it before <see cref="Start"/>.</summary>
    internal SourceProbe.Resolver? ProbeResolver { get; set; }

    /// <summary>The spec the grain was last given.</summary>
    public CameraSpec Spec => _spec;

    /// <summary>A consistent snapshot of the camera's condition; safe from any thread.</summary>
    public CameraStatus Status
    {
        get
        {
            CameraState state;
            string? error;
            CameraFailure? failure;
            lock (_gate)
            {
                state = _state;
                error = _lastError;
                failure = _lastFailure;
            }

            // Rates describe frames flowing now: a camera that stopped or lost its source reads 0 at once, not
            // the tail of its rate window.
            var streaming = state == CameraState.Streaming;

            var lastFrame = Interlocked.Read(ref _lastFrameUtcTicks);
            var processed = _slot.Processed;
            return new CameraStatus
            {
                Id = Id,
                State = state,
                LastError = error,
                LastFailure = failure,
                LastFrameAt = lastFrame == 0 ? null : new DateTimeOffset(lastFrame, TimeSpan.Zero),
                InputFps = streaming ? _inputRate.Rate(Interlocked.Read(ref _framesRead)) : 0,
                ProcessedFps = streaming ? _processedRate.Rate(processed) : 0,
                FramesCaptured = Interlocked.Read(ref _framesCaptured),
                FramesProcessed = processed,
                FramesDropped = _slot.Dropped,
                // Counts describe objects seen now: none while the camera sees nothing.
                Scene = streaming ? _slot.SceneCounts : SceneCounts.Empty,
                Device = state == CameraState.Stopped ? null : _slot.Device,
                Silo = state == CameraState.Stopped ? null : _silo,
                UpdatedAt = _time.GetUtcNow(),
            };
        }
    }

    /// <summary>Starts capturing on a dedicated thread. Calling it again does nothing.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_stopping || _loop is not null)
            {
                return;
            }

            var period = _options.WatchdogTimeout / 4;
            if (period < TimeSpan.FromMilliseconds(100))
            {
                period = TimeSpan.FromMilliseconds(100);
            }

            _watchdog = _time.CreateTimer(static state => ((CameraCapture)state!).CheckBlockedRead(), this, period, period);
            StartLoopLocked(replacesStuckLoop: false);
        }
    }

    /// <summary>
    /// Applies an edited spec: a new URL reopens the source, a new fps resamples, disabling stops capture and
    /// releases the source (state <see cref="CameraState.Stopped"/>), enabling again restarts it.
    /// </summary>
    public void Update(CameraSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Id != Id)
        {
            throw new ArgumentException($"spec for camera '{spec.Id}' given to camera '{Id}'", nameof(spec));
        }

        CheckFps(spec);
        _spec = spec;
        _slot.Spec = spec;
        _wake.Set();
    }

    /// <summary>
    /// Stops capturing: the state becomes <see cref="CameraState.Stopped"/> and the slot is closed at once; waits up
    /// to a second for the capture thread, which otherwise exits (releasing its source) when its native call returns.
    /// </summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            _stopTask ??= StopCoreAsync();
            return _stopTask;
        }
    }

    /// <summary>Same as <see cref="StopAsync"/>. The wake-up event is left to the GC: a capture thread abandoned
    /// inside a native call may still touch it when that call returns.</summary>
    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StopCoreAsync()
    {
        CaptureLoop? loop;
        lock (_gate)
        {
            _stopping = true;
            _generation++;
            _state = CameraState.Stopped;
            loop = _loop;
            _loop = null;
        }

        _wake.Set();
        if (_watchdog is not null)
        {
            await _watchdog.DisposeAsync();
        }

        _slot.Close();
        if (loop is not null)
        {
            try
            {
                await loop.Exited.WaitAsync(StopWait);
            }
            catch (TimeoutException)
            {
                CameraLog.StopAbandoned(_logger, Id, StopWait);
            }
        }

        CameraLog.Stopped(_logger, Id, "removed");
    }

    private void StartLoopLocked(bool replacesStuckLoop)
    {
        var loop = new CaptureLoop(this, _generation, replacesStuckLoop);
        _loop = loop;
        var thread = new Thread(loop.Run)
        {
            IsBackground = true,
            Name = "camera " + Id,
        };
        thread.Start();
    }

    // Watchdog timer: the last line of defence when a native read ignores its timeout.
    private void CheckBlockedRead()
    {
        var loop = _loop;
        if (loop is null || _stopping)
        {
            return;
        }

        var started = Volatile.Read(ref loop.ReadStartedAt);
        if (started == 0)
        {
            return;
        }

        var limit = (_options.ReadTimeout > _options.WatchdogTimeout ? _options.ReadTimeout : _options.WatchdogTimeout) + AbandonGrace;
        var blocked = _time.GetElapsedTime(started);
        if (blocked < limit)
        {
            return;
        }

        lock (_gate)
        {
            if (_stopping || !ReferenceEquals(_loop, loop))
            {
                return;
            }

            _generation++;
            _state = CameraState.Reconnecting;
            _lastError = $"watchdog: a read blocked for {blocked.TotalSeconds:0.#} s; the source was abandoned";
            _lastFailure = new CameraFailure { At = _time.GetUtcNow(), Reason = _lastError };
            StartLoopLocked(replacesStuckLoop: true);
        }

        _metrics.Reconnects.Add(1, _cameraTag);
        CameraLog.Abandoned(_logger, Id, blocked);
    }

    private bool IsCurrent(int generation) => !_stopping && Volatile.Read(ref _generation) == generation;

    /// <summary>Sets state and error unless <paramref name="generation"/> was superseded.</summary>
    /// <remarks>
    /// <see cref="CameraStatus.LastError"/> says what is wrong now, so a camera that streams again (or starts a new
    /// source, or was switched off) shows none: an operator reading "streaming" next to last night's error would
    /// chase a fault that healed. The failure itself stays visible as <see cref="CameraStatus.LastFailure"/>.
    /// </remarks>
    private void Publish(int generation, CameraState state, string? error)
    {
        lock (_gate)
        {
            if (_generation != generation || _stopping)
            {
                return;
            }

            _state = state;
            _lastError = error is null ? null : UrlRedaction.Redact(error);
            if (_lastError is not null && state is CameraState.Reconnecting or CameraState.Failed)
            {
                _lastFailure = new CameraFailure { At = _time.GetUtcNow(), Reason = _lastError };
            }

            if (state != CameraState.Streaming)
            {
                // The next streaming spell measures its own frames, not a window reaching back before the outage.
                _inputRate.Clear();
                _processedRate.Clear();
            }
        }
    }

    private CameraState CurrentState
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    private static void CheckFps(CameraSpec spec)
    {
        if (!(spec.Fps > 0) || double.IsInfinity(spec.Fps))
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Fps, "a camera's fps must be a positive number");
        }
    }
}
