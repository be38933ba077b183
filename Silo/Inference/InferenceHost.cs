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
/// Starts one <see cref="InferenceGrain"/> per configured device and connects cameras to them (the grain
/// with the fewest cameras). A CUDA device whose provider cannot be loaded is reported at start and, when
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
    private readonly Dictionary<FrameSlot, InferenceGrain> _owners = [];
    private List<InferenceGrain> _grains = [];

    public IReadOnlyList<InferenceGrain> Grains => _grains;

    /// <summary>
    /// The device a model is checked and one-off images are run on: the first inference grain's (the CPU after a
    /// CUDA fallback, or before the host started).
    /// </summary>
    public ExecutionDevice PrimaryDevice => _grains.Count > 0 ? _grains[0].Device : ExecutionDevice.Cpu;

    /// <summary>Ids of the cameras feeding frames to this silo's inference grains now.</summary>
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
        var grains = new List<InferenceGrain>();
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

            var grain = new InferenceGrain(name, device, catalog, settings, streams, metrics, loggerFactory.CreateLogger<InferenceGrain>(), tap, time);
            grain.Start();
            grains.Add(grain);
            LogGrainStarted(name, device);
        }

        _grains = grains;
        metrics.ObserveGauge("va.inference.queue.depth", "{frame}", "Frames waiting for inference, per device", ObserveQueues);
        return Task.CompletedTask;
    }

    /// <summary>Connects a camera to the least-loaded inference grain.</summary>
    public FrameSlot Attach(CameraSpec spec)
    {
        lock (_gate)
        {
            var grain = _grains.MinBy(g => g.CameraCount) ?? throw new InvalidOperationException("inference host not started");
            var slot = grain.Attach(spec);
            _owners[slot] = grain;
            return slot;
        }
    }

    public void Detach(FrameSlot slot)
    {
        lock (_gate)
        {
            if (_owners.Remove(slot, out var grain))
            {
                grain.Detach(slot);
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
        List<InferenceGrain> grains;
        lock (_gate)
        {
            grains = _grains;
            _grains = [];
        }

        foreach (var grain in grains)
        {
            grain.Dispose();
        }
    }

    private IEnumerable<System.Diagnostics.Metrics.Measurement<long>> ObserveQueues()
    {
        foreach (var grain in _grains)
        {
            yield return new(grain.QueueDepth, new KeyValuePair<string, object?>("device", grain.Key));
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Error, Message = "Inference device {Device} cannot be used, serving its cameras on the CPU instead: {Reason}")]
    private partial void LogDeviceFallback(string device, string reason);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Inference grain {Key} started on {Device}")]
    private partial void LogGrainStarted(string key, ExecutionDevice device);
}
