using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Telemetry;

using VideoAnalytics.Silo.Streams;

namespace VideoAnalytics.Silo.Inference;

/// <summary>
/// The silo service that runs one <see cref="InferenceWorker"/> per configured device and connects cameras to them
/// (the worker with the fewest cameras), by reference: a camera grain's capture offers frames straight to its worker's
/// slot. Each worker is reported by the <see cref="DeviceInferenceGrain"/> of its (silo, device). A CUDA device whose
/// provider cannot be loaded is reported at start and, when
/// <see cref="InferenceOptions.FallbackToCpu"/> is set, served on the CPU; otherwise start fails.
/// </summary>
public sealed partial class InferenceHost(
    ModelCatalog catalog,
    IOptions<InferenceOptions> options,
    DetectionPublisher streams,
    PipelineMetrics metrics,
    ILoggerFactory loggerFactory,
    AnnotatedFrameTap tap,
    TimeProvider time) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<InferenceHost>();
    private readonly Lock _gate = new();
    private readonly Dictionary<FrameSlot, InferenceWorker> _owners = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<InferenceWorker> _workers = [];

    /// <summary>Completes once every worker runs. Hosts order hosted services differently (Orleans' TestingHost starts
    /// its silo first), so what needs the workers from the silo lifecycle waits for this.</summary>
    public Task Started => _started.Task;

    /// <summary>The running workers, in <c>Inference:Devices</c> order.</summary>
    public IReadOnlyList<InferenceWorker> Workers => _workers;

    /// <summary>The worker of the configured device name <paramref name="device"/>; null when this silo runs none.</summary>
    public InferenceWorker? Worker(string device)
    {
        foreach (var worker in _workers)
        {
            if (string.Equals(worker.Key, device, StringComparison.Ordinal))
            {
                return worker;
            }
        }

        return null;
    }

    /// <summary>
    /// The device a model is checked and one-off images are run on: the first worker's (the CPU after a
    /// CUDA fallback, or before the host started).
    /// </summary>
    public ExecutionDevice PrimaryDevice => _workers.Count > 0 ? _workers[0].Device : ExecutionDevice.Cpu;

    /// <summary>Ids of the cameras feeding frames to this silo's inference workers now.</summary>
    public IReadOnlyCollection<string> AttachedCameras
    {
        get
        {
            lock (_gate)
            {
                return [.. _owners.Keys.Select(slot => slot.CameraId)];
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var workers = new List<InferenceWorker>();
        foreach (var name in settings.DevicesOrDefault)
        {
            var device = ExecutionDevice.Parse(name);
            if (!catalog.IsDeviceUsable(device, out var reason))
            {
                if (!settings.FallbackToCpu)
                {
                    throw new InvalidOperationException($"Inference:Devices names {name}, which cannot be used: {reason}");
                }

                LogDeviceFallback(name, reason ?? "unavailable");
                device = ExecutionDevice.Cpu;
            }

            // The options validator made sure each file exists; one that does not load is logged by the catalog and
            // reported with its reason to whatever uses it.
            foreach (var model in settings.ModelsToPreload)
            {
                catalog.TryGet(model, device, out _, out _);
            }

            var worker = new InferenceWorker(name, device, catalog, settings, streams, metrics, loggerFactory.CreateLogger<InferenceWorker>(), tap, time);
            worker.Start();
            workers.Add(worker);
            LogGrainStarted(name, device);
        }

        _workers = workers;
        _started.TrySetResult();
        metrics.ObserveGauge("va.inference.queue.depth", "{frame}", "Frames waiting for inference, per device", ObserveQueues);
        _ = new ZoneOccupancyGauge(metrics, AttachedSlots); // the meter keeps it for as long as the silo runs
        return Task.CompletedTask;
    }

    /// <summary>Connects a camera to the least-loaded worker.</summary>
    public FrameSlot Attach(CameraSpec spec)
    {
        lock (_gate)
        {
            var worker = _workers.MinBy(w => w.CameraCount) ?? throw new InvalidOperationException("inference host not started");
            var slot = worker.Attach(spec);
            _owners[slot] = worker;
            return slot;
        }
    }

    public void Detach(FrameSlot slot)
    {
        lock (_gate)
        {
            if (_owners.Remove(slot, out var worker))
            {
                worker.Detach(slot);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        List<InferenceWorker> workers;
        lock (_gate)
        {
            workers = _workers;
            _workers = [];
        }

        foreach (var worker in workers)
        {
            worker.Dispose();
        }
    }

    // Every worker's slots, as the workers hold them now (a detached camera is no longer among them).
    private IEnumerable<FrameSlot> AttachedSlots()
    {
        foreach (var worker in _workers)
        {
            foreach (var slot in worker.Slots)
            {
                yield return slot;
            }
        }
    }

    private IEnumerable<System.Diagnostics.Metrics.Measurement<long>> ObserveQueues()
    {
        foreach (var worker in _workers)
        {
            yield return new(worker.QueueDepth, new KeyValuePair<string, object?>("device", worker.Key));
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Error, Message = "Inference device {Device} cannot be used, serving its cameras on the CPU instead: {Reason}")]
    private partial void LogDeviceFallback(string device, string reason);

    // The text stays "Inference grain …": the CUDA flavor's test and operators' log searches read it.
    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Inference grain {Key} started on {Device}")]
    private partial void LogGrainStarted(string key, ExecutionDevice device);
}
