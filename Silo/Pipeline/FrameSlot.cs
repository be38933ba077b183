using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Inference;
using VideoAnalytics.Silo.Analytics;
using VideoAnalytics.Inference.Tracking;

namespace VideoAnalytics.Silo.Pipeline;

/// <summary>
/// The hand-off between one camera grain and the inference worker serving it: latest frame wins. The camera
/// rents a buffer, fills it and offers it; an offered frame that the inference worker has not taken yet is
/// replaced by the newer one and counted as dropped, so no stale-frame queue can ever build. At most three
/// buffers exist per camera (one being filled, one pending, one in inference), reused for the camera's life.
/// </summary>
public sealed class FrameSlot
{
    private readonly Lock _gate = new();
    private readonly Stack<CapturedFrame> _free = new(3);
    private readonly Action<FrameSlot> _onOffered;
    private CapturedFrame? _pending;
    private long _dropped;
    private long _processed;
    private long _offered;
    private int _buffers;

    private CameraSpec _spec;
    private CameraSpec _sceneOf;
    private readonly TrackerOptions _trackingDefaults;
    private TrackingSpec? _trackingOf;
    private SceneCounts _sceneCounts = SceneCounts.Empty;

    /// <param name="spec">The camera.</param>
    /// <param name="onOffered">Called when a frame becomes pending where none was.</param>
    /// <param name="tracking">The silo's tracker settings (<c>Inference:Tracking</c>; built-in defaults when null), which
    /// the camera's own (<see cref="CameraSpec.Tracking"/>) override field by field.</param>
    public FrameSlot(CameraSpec spec, Action<FrameSlot> onOffered, TrackerOptions? tracking = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        _onOffered = onOffered;
        _trackingDefaults = tracking ?? TrackerOptions.Default;
        _trackingOf = spec.Tracking;
        (Tracking, TrackingError) = ResolveTracking(spec.Tracking);
        Tracker = new ObjectTracker(Tracking, spec.Fps);
        Scene = new SceneAnalyzer(spec.Id, Tracker.LostFrames);
        Scene.Configure(spec.Zones, spec.Lines);
        _sceneOf = spec;

        // Every zone listed, empty, from the start: the worker replaces the snapshot only when something happens, and a
        // zone nobody entered yet must still show (as 0 in the status and the occupancy gauge).
        _sceneCounts = Scene.IsEmpty ? SceneCounts.Empty : Scene.Counts();
    }

    public string CameraId => Spec.Id;

    /// <summary>The device of the inference worker that takes this camera's frames, for the camera's status.</summary>
    public string? Device { get; init; }

    /// <summary>The camera's current spec (model, min score, classes); replaced when the operator edits it.</summary>
    public CameraSpec Spec
    {
        get => Volatile.Read(ref _spec);
        set => Volatile.Write(ref _spec, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// The camera's object tracker, fed by the inference worker with this camera's detections in frame order (only that
    /// worker's thread touches it). It lives as long as the slot, i.e. one activation of the camera on this silo: a
    /// camera that restarts or moves to another silo starts with a fresh tracker and new ids.
    /// </summary>
    internal ObjectTracker Tracker { get; }

    /// <summary>
    /// The camera's zones and lines applied to <see cref="Tracker"/>'s output, by the same worker thread, after it. Like
    /// the tracker it lives as long as the slot, so its line counts count since the capture started.
    /// </summary>
    internal SceneAnalyzer Scene { get; }

    /// <summary>Worker-thread scratch: the scene events of the frame being published.</summary>
    internal List<SceneEvent> SceneEvents { get; } = new(16);

    /// <summary>
    /// What <see cref="Scene"/> counts, as of the last frame that changed it: written by the worker thread, read by the
    /// camera's status from any thread (a new immutable snapshot per change, so readers never see one half-made).
    /// </summary>
    public SceneCounts SceneCounts
    {
        get => Volatile.Read(ref _sceneCounts);
        internal set => Volatile.Write(ref _sceneCounts, value);
    }

    /// <summary>
    /// Brings <see cref="Scene"/> up to the camera's current zones and lines (an operator's edit) and the tracker's
    /// buffer; worker thread only. True when the scene changed.
    /// </summary>
    internal bool RefreshScene(CameraSpec spec)
    {
        Scene.ForgetAfterFrames = Tracker.LostFrames;
        if (ReferenceEquals(spec.Zones, _sceneOf.Zones) && ReferenceEquals(spec.Lines, _sceneOf.Lines))
        {
            return false;
        }

        _sceneOf = spec;
        Scene.Configure(spec.Zones, spec.Lines);
        return true;
    }

    /// <summary>The settings <see cref="Tracker"/> runs with: the camera's over the silo's.</summary>
    internal TrackerOptions Tracking { get; private set; }

    /// <summary>
    /// Why the camera's tracker settings could not be used with this silo's (then the silo's own run), or null. The
    /// gateway refuses such settings against the silo that checks them; this is for a silo configured otherwise.
    /// </summary>
    internal string? TrackingError { get; private set; }

    /// <summary>
    /// Brings <see cref="Tracker"/> up to the camera's current tracker settings (an operator's edit); worker thread
    /// only. The tracker keeps its tracks and ids (<see cref="ObjectTracker.Options"/>). True when they changed.
    /// </summary>
    internal bool RefreshTracking(CameraSpec spec)
    {
        // By value: an edit arrives as a new spec (through the registry, often from another process) whose settings
        // are equal, not the same object, when the operator changed something else.
        if (Equals(spec.Tracking, _trackingOf))
        {
            return false;
        }

        _trackingOf = spec.Tracking;
        (Tracking, TrackingError) = ResolveTracking(spec.Tracking);
        Tracker.Options = Tracking;
        return true;
    }

    private (TrackerOptions Options, string? Error) ResolveTracking(TrackingSpec? spec)
    {
        var resolved = CameraTracking.Resolve(_trackingDefaults, spec);
        return resolved.Validate() is { } error ? (_trackingDefaults, error) : (resolved, null);
    }

    /// <summary>Worker-thread scratch for the tracker's input and output, grown only by a larger frame than any before.</summary>
    internal Detection[] TrackInput { get; set; } = new Detection[64];

    /// <inheritdoc cref="TrackInput"/>
    internal int[] TrackIds { get; set; } = new int[64];

    /// <summary>Fencing epoch stamped on frames: the camera grain sets the epoch its capture start took.</summary>
    public long Epoch { get; set; }

    /// <summary>True once the camera is gone: offers are ignored and the inference worker forgets the slot.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Frames replaced before inference took them (the "skipped" count) plus stale drops.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Frames analysed and published.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    public long Offered => Interlocked.Read(ref _offered);

    /// <summary>Frame buffers this slot has created: stays at most 3 in steady state (a bound tests check).</summary>
    public int Buffers => Volatile.Read(ref _buffers);

    /// <summary>Camera side: a buffer for the next frame, sized <paramref name="width"/>×<paramref name="height"/>.</summary>
    public CapturedFrame Rent(int width, int height)
    {
        CapturedFrame? frame;
        lock (_gate)
        {
            _free.TryPop(out frame);
        }

        if (frame is null)
        {
            frame = new CapturedFrame(width * 3 * height);
            Interlocked.Increment(ref _buffers);
        }

        frame.Resize(width, height);
        return frame;
    }

    /// <summary>Camera side: makes <paramref name="frame"/> the pending frame, replacing (and dropping) an older one.</summary>
    /// <returns>True when an older pending frame was replaced (a drop the camera reports with reason <c>replaced</c>).</returns>
    public bool Offer(CapturedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        CapturedFrame? replaced;
        lock (_gate)
        {
            if (IsClosed)
            {
                _free.Push(frame);
                return false;
            }

            replaced = _pending;
            _pending = frame;
            _offered++;
            if (replaced is not null)
            {
                _free.Push(replaced);
                _dropped++;
            }
        }

        if (replaced is null)
        {
            _onOffered(this);
            return false;
        }

        return true;
    }

    /// <summary>Inference side: takes the pending frame, if any. Return it with <see cref="Release"/>.</summary>
    public CapturedFrame? Take()
    {
        lock (_gate)
        {
            var frame = _pending;
            _pending = null;
            return frame;
        }
    }

    /// <summary>Inference side: peeks at the capture time of the pending frame without taking it.</summary>
    public bool TryPeekCapturedTicks(out long ticks)
    {
        lock (_gate)
        {
            ticks = _pending?.CapturedTicks ?? 0;
            return _pending is not null;
        }
    }

    /// <summary>Inference side: returns a frame's buffer; <paramref name="processed"/> false counts it dropped (stale).</summary>
    public void Release(CapturedFrame frame, bool processed)
    {
        ArgumentNullException.ThrowIfNull(frame);
        lock (_gate)
        {
            if (_free.Count < 3)
            {
                _free.Push(frame);
            }

            if (processed)
            {
                _processed++;
            }
            else
            {
                _dropped++;
            }
        }
    }

    /// <summary>The camera is gone: drop the pending frame and ignore later offers.</summary>
    public void Close()
    {
        lock (_gate)
        {
            IsClosed = true;
            if (_pending is not null)
            {
                _free.Push(_pending);
                _pending = null;
            }
        }
    }
}
