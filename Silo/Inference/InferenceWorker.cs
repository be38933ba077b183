using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Inference.Tracking;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Telemetry;

using VideoAnalytics.Silo.Streams;

namespace VideoAnalytics.Silo.Inference;

/// <summary>
/// The batching loop of one device (<c>cpu</c>, <c>cuda:0</c>, …), owned by the silo's <see cref="InferenceHost"/>
/// and controlled and reported by that device's <see cref="DeviceInferenceGrain"/>: a single dedicated thread (batches block
/// for milliseconds, which no grain turn may do) that owns the device's sessions and pinned buffers and micro-batches frames from every camera attached to it. A batch
/// runs when <see cref="InferenceOptions.MaxBatch"/> frames are ready or <see cref="InferenceOptions.MaxDelay"/>
/// has passed since the oldest; it holds at most one frame per camera, cameras are served round-robin, and
/// one model per batch (the oldest waiting frame's). Frames older than the staleness limit are dropped.
/// Results are published through a bounded queue so a slow stream store never stalls the device.
/// </summary>
public sealed partial class InferenceWorker : IDisposable
{
    private readonly ModelCatalog _catalog;
    private readonly InferenceOptions _options;
    private readonly DetectionPublisher _streams;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Lock _slotsGate = new();
    private readonly ManualResetEventSlim _signal = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<Outgoing> _published;
    private readonly AnnotatedFrameTap? _tap;
    private readonly FrameSlot[] _batchSlots;
    private readonly CapturedFrame[] _batchFrames;
    private readonly BgrFrame[] _batchImages;
    private readonly DetectionBatch _results = new();
    private readonly long _maxDelayTicks;
    private readonly long _staleTicks;
    private FrameSlot[] _slots = [];
    private readonly TimeProvider _time;
    private int _cursor;
    private long _batches;
    private Thread? _thread;
    private Task? _publisher;

    public InferenceWorker(
        string key, ExecutionDevice device, ModelCatalog catalog, InferenceOptions options, DetectionPublisher streams,
        PipelineMetrics metrics, ILogger logger, AnnotatedFrameTap? tap = null, TimeProvider? time = null)
    {
        _tap = tap;
        _time = time ?? TimeProvider.System;
        Key = key;
        Device = device;
        _catalog = catalog;
        _options = options;
        _streams = streams;
        _metrics = metrics;
        _logger = logger;
        _batchSlots = new FrameSlot[options.MaxBatch];
        _batchFrames = new CapturedFrame[options.MaxBatch];
        _batchImages = new BgrFrame[options.MaxBatch];
        _maxDelayTicks = (long)(options.MaxDelay.TotalSeconds * _time.TimestampFrequency);
        _staleTicks = (long)(options.StalenessLimit.TotalSeconds * _time.TimestampFrequency);
        _published = Channel.CreateBounded<Outgoing>(
            new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest },
            dropped => _metrics.FramesDropped.Add(1, new("camera", dropped.Frame.CameraId), new("reason", "publish_backlog")));
    }

    /// <summary>The configured device name (<c>Inference:Devices</c>): the device part of its grain's key.</summary>
    public string Key { get; }

    /// <summary>The device sessions actually run on (CPU when a CUDA device fell back).</summary>
    public ExecutionDevice Device { get; }

    public int CameraCount => Volatile.Read(ref _slots).Length;

    /// <summary>Ids of the cameras attached now, in attach order (a camera attached twice is listed twice).</summary>
    public IReadOnlyList<string> CameraIds
    {
        get
        {
            var slots = Volatile.Read(ref _slots);
            var ids = new string[slots.Length];
            for (var i = 0; i < slots.Length; i++)
            {
                ids[i] = slots[i].CameraId;
            }

            return ids;
        }
    }

    /// <summary>The slots attached now (a snapshot: the array is replaced, never changed, on attach and detach).</summary>
    internal IReadOnlyList<FrameSlot> Slots => Volatile.Read(ref _slots);

    /// <summary>Batches run on the device since start (a batch that failed in the model is counted too).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Frames waiting for this grain (at most one per camera).</summary>
    public int QueueDepth
    {
        get
        {
            var depth = 0;
            foreach (var slot in Volatile.Read(ref _slots))
            {
                depth += slot.TryPeekCapturedTicks(out _) ? 1 : 0;
            }

            return depth;
        }
    }

    /// <summary>Connects a camera: its grain offers frames to the returned slot.</summary>
    public FrameSlot Attach(CameraSpec spec)
    {
        var slot = new FrameSlot(spec, _ => _signal.Set(), _options.Tracking) { Device = Key == Device.ToString() ? Key : $"{Device} (fallback for {Key})" };
        if (slot.TrackingError is { } trackingError)
        {
            LogTrackingRefused(spec.Id, trackingError);
        }

        lock (_slotsGate)
        {
            _slots = [.. _slots, slot];
        }

        return slot;
    }

    /// <summary>Disconnects a camera; its pending frame is dropped and later offers are ignored.</summary>
    public void Detach(FrameSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        slot.Close();
        lock (_slotsGate)
        {
            _slots = Array.FindAll(_slots, s => !ReferenceEquals(s, slot));
        }
    }

    public void Start()
    {
        _publisher = Task.Run(PublishLoopAsync);
        _thread = new Thread(RunLoop) { IsBackground = true, Name = $"inference {Key}" };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _signal.Set();
        _thread?.Join(TimeSpan.FromSeconds(5));
        _published.Writer.TryComplete();
        _publisher?.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
        _signal.Dispose();
    }

    private void RunLoop()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var wait = NextWait(out var ready);
            if (ready == 0)
            {
                _signal.Wait(TimeSpan.FromMilliseconds(250));
                _signal.Reset();
                continue;
            }

            if (wait > 0)
            {
                // Fewer than MaxBatch ready: give the others until MaxDelay after the oldest, waking early on news.
                _signal.Reset();
                if (_signal.Wait(TimeSpan.FromSeconds(wait / (double)_time.TimestampFrequency)))
                {
                    continue;
                }
            }

            try
            {
                RunBatch();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failed batch must not stop the device: its frames were already released; log and go on.
                LogBatchFailed(Key, e);
            }
        }
    }

    /// <summary>
    /// Timestamp ticks (of the grain's <see cref="TimeProvider"/>, which also stamps captured frames) to wait before
    /// batching (0 = run now); <paramref name="ready"/> = cameras with a frame.
    /// </summary>
    internal long NextWait(out int ready)
    {
        ready = 0;
        var oldest = long.MaxValue;
        foreach (var slot in Volatile.Read(ref _slots))
        {
            if (slot.TryPeekCapturedTicks(out var ticks))
            {
                ready++;
                oldest = Math.Min(oldest, ticks);
            }
        }

        if (ready == 0 || ready >= _options.MaxBatch)
        {
            return 0;
        }

        return Math.Max(0, oldest + _maxDelayTicks - _time.GetTimestamp());
    }

    private void RunBatch()
    {
        var slots = Volatile.Read(ref _slots);
        var model = ModelOfOldest(slots);
        if (model is null)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var n = 0;
        var start = _cursor % Math.Max(1, slots.Length);
        for (var k = 0; k < slots.Length && n < _batchSlots.Length; k++)
        {
            var slot = slots[(start + k) % slots.Length];
            if (!string.Equals(slot.Spec.Model, model, StringComparison.Ordinal))
            {
                continue;
            }

            var frame = slot.Take();
            if (frame is null)
            {
                continue;
            }

            if (now - frame.CapturedTicks > _staleTicks)
            {
                slot.Release(frame, processed: false);
                _metrics.FramesDropped.Add(1, new("camera", slot.CameraId), new("reason", "stale"));
                continue;
            }

            _batchSlots[n] = slot;
            _batchFrames[n] = frame;
            _batchImages[n] = new BgrFrame(frame.Pixels.AsMemory(0, frame.Length), frame.Width, frame.Height, frame.Stride);
            n++;
            _cursor = (start + k + 1) % slots.Length;
        }

        if (n == 0)
        {
            return;
        }

        try
        {
            if (!_catalog.TryGet(model, Device, out var detector, out var error))
            {
                LogModelUnavailable(model, error ?? "unknown");
                return;
            }

            using var span = PipelineTracing.Source.StartActivity("inference.batch");
            if (span is not null)
            {
                span.SetTag("va.device", Key);
                span.SetTag("va.model", model);
                span.SetTag("va.batch.size", n);
            }

            var batchStart = _time.GetTimestamp();
            Interlocked.Increment(ref _batches);
            detector!.Detect(_batchImages.AsSpan(0, n), _results);
            var batchEnd = _time.GetTimestamp();
            var inferenceMs = _time.GetElapsedTime(batchStart, batchEnd).TotalMilliseconds;
            _metrics.BatchSize.Record(n, new KeyValuePair<string, object?>("device", Key));
            _metrics.InferenceLatency.Record(inferenceMs, new KeyValuePair<string, object?>("device", Key), new("model", model));
            for (var i = 0; i < n; i++)
            {
                var frame = BuildFrame(_batchSlots[i], _batchFrames[i], _results[i], detector.Model.Labels, model, batchStart, inferenceMs);
                frame = AnalyzeScene(_batchSlots[i], frame, _metrics);
                _published.Writer.TryWrite(new Outgoing(frame, span?.Context ?? default));
                if (_tap is not null && _tap.HasWatchers)
                {
                    _tap.Offer(_batchFrames[i], frame, detector.Model.Labels);
                }
            }
        }
        finally
        {
            for (var i = 0; i < n; i++)
            {
                _batchSlots[i].Release(_batchFrames[i], processed: true);
                _batchSlots[i] = null!;
                _batchFrames[i] = null!;
            }
        }
    }

    private static string? ModelOfOldest(FrameSlot[] slots)
    {
        string? model = null;
        var oldest = long.MaxValue;
        foreach (var slot in slots)
        {
            if (slot.TryPeekCapturedTicks(out var ticks) && ticks < oldest)
            {
                oldest = ticks;
                model = slot.Spec.Model;
            }
        }

        return model;
    }

    private DetectionFrame BuildFrame(
        FrameSlot slot, CapturedFrame frame, ReadOnlySpan<Detection> detections, IReadOnlyList<string> labels, string model, long batchStart, double inferenceMs)
    {
        var spec = slot.Spec;
        var tracked = Track(slot, spec, detections, labels);
        var ids = slot.TrackIds;
        var kept = new List<DetectedObject>();
        for (var i = 0; i < tracked.Length; i++)
        {
            // Published: what scores at least the camera's minScore, as always, and also a lower-scored detection that
            // continues a confirmed track (a half-hidden object), so that a tracked object does not blink out.
            var d = tracked[i];
            if (d.Score < spec.MinScore && ids[i] == 0)
            {
                continue;
            }

            var label = labels[d.ClassId];
            kept.Add(new DetectedObject(d.ClassId, label, d.Score, new BoundingBox(d.X1, d.Y1, d.X2, d.Y2), ids[i] == 0 ? null : ids[i]));
            _metrics.Detections.Add(1, new("camera", slot.CameraId), new("class", label));
        }

        var queueMs = _time.GetElapsedTime(frame.CapturedTicks, batchStart).TotalMilliseconds;
        var totalMs = _time.GetElapsedTime(frame.CapturedTicks).TotalMilliseconds;
        _metrics.FramesProcessed.Add(1, new KeyValuePair<string, object?>("camera", slot.CameraId));
        _metrics.CaptureToPublish.Record(totalMs, new KeyValuePair<string, object?>("device", Key));
        return new DetectionFrame
        {
            CameraId = slot.CameraId,
            FrameIndex = frame.FrameIndex,
            Timestamp = frame.Timestamp,
            Width = frame.Width,
            Height = frame.Height,
            Model = model,
            Detections = kept,
            LatencyMs = new FrameLatency(Math.Round(queueMs, 2), Math.Round(inferenceMs, 2), Math.Round(totalMs, 2)),
            Epoch = frame.Epoch,
        };
    }

    /// <summary>
    /// Runs the camera's tracker on the frame's detections of the camera's classes (highest score first, as the
    /// detector returns them) and returns those detections; their ids are in <see cref="FrameSlot.TrackIds"/>.
    /// Allocates only when a frame has more candidates than any before it.
    /// </summary>
    private ReadOnlySpan<Detection> Track(FrameSlot slot, CameraSpec spec, ReadOnlySpan<Detection> detections, IReadOnlyList<string> labels)
    {
        if (slot.RefreshTracking(spec) && slot.TrackingError is { } trackingError)
        {
            LogTrackingRefused(slot.CameraId, trackingError);
        }

        var tracker = slot.Tracker;
        if (tracker.Fps != spec.Fps)
        {
            tracker.Fps = spec.Fps;
        }

        if (slot.TrackInput.Length < detections.Length)
        {
            slot.TrackInput = new Detection[detections.Length];
            slot.TrackIds = new int[detections.Length];
        }

        var input = slot.TrackInput;
        var floor = Math.Min(slot.Tracking.LowScore, spec.MinScore);
        var n = 0;
        foreach (var d in detections)
        {
            if (d.Score < floor)
            {
                break; // published neither way, nor tracked
            }

            if (ClassList.Keeps(spec.Classes, labels[d.ClassId]))
            {
                input[n++] = d;
            }
        }

        tracker.Update(input.AsSpan(0, n), slot.TrackIds);
        return input.AsSpan(0, n);
    }

    /// <summary>
    /// Applies the camera's zones and lines to the frame's tracked objects and, when that changed what they count,
    /// publishes new counts for the camera's status (which the zone occupancy gauge reads too) and counts each line
    /// crossing in <see cref="PipelineMetrics.LineCrossings"/>. Returns the frame carrying the events it saw
    /// (<see cref="DetectionFrame.Events"/>), which are then stored and published with it; the frame itself when nothing
    /// happened. Nothing to do (and nothing allocated) for a camera without zones or lines, nor on a frame without events.
    /// </summary>
    private static DetectionFrame AnalyzeScene(FrameSlot slot, DetectionFrame frame, PipelineMetrics metrics)
    {
        var scene = slot.Scene;
        var changed = slot.RefreshScene(slot.Spec);
        if (scene.IsEmpty)
        {
            if (changed)
            {
                slot.SceneCounts = SceneCounts.Empty;
            }

            return frame;
        }

        var events = slot.SceneEvents;
        events.Clear();
        scene.Analyze(frame, events);
        foreach (var e in events)
        {
            // Counted here, as the analyzer reports each crossing, rather than from the snapshot's totals: those restart
            // at 0 when a line is redrawn, which a counter must not do.
            if (e.Type == SceneEvent.LineCross)
            {
                metrics.LineCrossings.Add(1, new("camera", slot.CameraId), new("line", e.Name), new("direction", e.Direction));
            }
        }

        if (changed || events.Count > 0)
        {
            slot.SceneCounts = scene.Counts();
        }

        // A copy: the slot's list is scratch, reused on the next frame while this one waits to be published.
        return events.Count == 0 ? frame : frame with { Events = events.ToArray() };
    }

    private async Task PublishLoopAsync()
    {
        await foreach (var (frame, batch) in _published.Reader.ReadAllAsync())
        {
            using var span = batch == default ? null : PipelineTracing.Source.StartActivity("detections.publish", ActivityKind.Producer, batch);
            if (span is not null)
            {
                span.SetTag("va.camera", frame.CameraId);
                span.SetTag("va.frame.index", frame.FrameIndex);
                span.SetTag("va.detections", frame.Detections.Count);
            }

            try
            {
                if (await _streams.PublishAsync(frame) is null)
                {
                    _metrics.FramesDropped.Add(1, new("camera", frame.CameraId), new("reason", "fenced"));
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _metrics.FramesDropped.Add(1, new("camera", frame.CameraId), new("reason", "publish_failed"));
                LogPublishFailed(frame.CameraId ?? "-", e.Message);
            }
        }
    }

    /// <summary>A frame on its way to the stream, with the batch span it came from (default when not traced).</summary>
    private readonly record struct Outgoing(DetectionFrame Frame, ActivityContext Batch);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Error, Message = "Inference worker {Key}: batch failed")]
    private partial void LogBatchFailed(string key, Exception exception);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Warning, Message = "Frames for model {Model} dropped: {Reason}")]
    private partial void LogModelUnavailable(string model, string reason);

    [LoggerMessage(EventId = 2504, Level = LogLevel.Warning, Message = "Camera {Camera}: its tracker settings do not fit this silo's Inference:Tracking ({Reason}); the silo's settings are used")]
    private partial void LogTrackingRefused(string camera, string reason);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Warning, Message = "Publishing a frame of camera {Camera} failed: {Reason}")]
    private partial void LogPublishFailed(string camera, string reason);
}
