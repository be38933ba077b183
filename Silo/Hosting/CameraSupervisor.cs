using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// Keeps the running camera grains equal to what the registry says this silo should run: starts grains for
/// new or re-enabled cameras, updates changed ones, stops removed or disabled ones. It reconciles on every
/// registry change notification and every <see cref="ResyncInterval"/> in case a notification was missed,
/// and publishes every grain's status to the status board once a second.
/// </summary>
public sealed partial class CameraSupervisor(
    ICameraRegistry registry,
    ICameraStatusBoard statusBoard,
    IDetectionStreams streams,
    InferenceHost inference,
    ModelCatalog models,
    ICameraOwnership ownership,
    IOptions<CameraOptions> cameraOptions,
    PipelineMetrics metrics,
    SiloIdentity identity,
    TimeProvider time,
    ILoggerFactory loggerFactory) : BackgroundService
{
    public static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger = loggerFactory.CreateLogger<CameraSupervisor>();
    private readonly Dictionary<string, RunningCamera> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Ids of cameras running on this silo (for tests and health).</summary>
    public IReadOnlyCollection<string> RunningCameras
    {
        get
        {
            lock (_running)
            {
                return [.. _running.Keys];
            }
        }
    }

    /// <summary>True once the first reconciliation finished: the silo can accept cameras.</summary>
    public bool IsReady { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        registry.Changed += OnRegistryChanged;
        ownership.Changed += OnRegistryChanged;
        ownership.LeaseLost += OnLeaseLost;
        var statusTask = ReportStatusLoopAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ReconcileAsync(stoppingToken);
                    IsReady = true;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogReconcileFailed(e);
                }

                try
                {
                    await _wake.WaitAsync(ResyncInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            registry.Changed -= OnRegistryChanged;
            ownership.Changed -= OnRegistryChanged;
            ownership.LeaseLost -= OnLeaseLost;
            await StopAllAsync();
            await statusTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private void OnRegistryChanged(string id)
    {
        // Coalesce bursts: one pending wake-up is enough to pick up every change.
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    // Another silo may run the camera now: stop capturing and publishing at once, not at the next reconcile.
    // Frames already in flight carry the old epoch, which the stream rejects once the new owner took the lease.
    private void OnLeaseLost(string id) => _ = StopLostCameraAsync(id);

    private async Task StopLostCameraAsync(string id)
    {
        try
        {
            await StopCameraAsync(id, removed: false, release: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogLostStopFailed(id, e);
        }

        OnRegistryChanged(id);
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var desired = new Dictionary<string, CameraSpec>(StringComparer.Ordinal);
        foreach (var spec in await registry.ListAsync(cancellationToken))
        {
            desired[spec.Id] = spec;
        }

        List<string> running;
        lock (_running)
        {
            running = [.. _running.Keys];
        }

        foreach (var id in running)
        {
            if (!desired.TryGetValue(id, out var spec) || !spec.Enabled || !await ownership.OwnsAsync(id, cancellationToken))
            {
                await StopCameraAsync(id, removed: !desired.ContainsKey(id));
            }
        }

        foreach (var spec in desired.Values)
        {
            if (!spec.Enabled)
            {
                await ReportStoppedAsync(spec.Id, cancellationToken);
                continue;
            }

            RunningCamera? current;
            lock (_running)
            {
                _running.TryGetValue(spec.Id, out current);
            }

            if (current is not null)
            {
                if (!current.Spec.SameAs(spec))
                {
                    await UpdateCameraAsync(current, spec);
                }

                continue;
            }

            if (await ownership.OwnsAsync(spec.Id, cancellationToken))
            {
                await StartCameraAsync(spec, cancellationToken);
            }
        }

        foreach (var id in await RemovedStreamsAsync(desired, cancellationToken))
        {
            await streams.DeleteAsync(id, cancellationToken);
            await statusBoard.RemoveAsync(id, cancellationToken);
        }
    }

    private async Task StartCameraAsync(CameraSpec spec, CancellationToken cancellationToken)
    {
        // A camera naming a model this silo cannot load fails with the reason and takes no capture resources.
        var device = inference.Grains.Count > 0 ? inference.Grains[0].Device : default;
        if (!models.TryGet(spec.Model, device, out _, out var error))
        {
            models.ForgetFailure(spec.Model, device);
            await statusBoard.ReportAsync(new CameraStatus
            {
                Id = spec.Id,
                State = CameraState.Failed,
                LastError = error,
                Silo = identity.Name,
                UpdatedAt = time.GetUtcNow(),
            }, cancellationToken);
            return;
        }

        var epoch = await ownership.AcquireAsync(spec.Id, cancellationToken);
        if (epoch is null)
        {
            return; // another silo holds the camera's lease
        }

        var slot = inference.Attach(spec);
        slot.Epoch = epoch.Value;
        var grain = new CameraGrain(spec, slot, cameraOptions.Value, metrics, time, loggerFactory.CreateLogger<CameraGrain>(), identity.Name);
        lock (_running)
        {
            _running[spec.Id] = new RunningCamera(spec, slot, grain);
        }

        grain.Start();
        var redacted = UrlRedaction.Redact(spec.Url);
        LogCameraStarted(spec.Id, redacted, spec.Model);
    }

    private async Task UpdateCameraAsync(RunningCamera current, CameraSpec spec)
    {
        if (!string.Equals(current.Spec.Model, spec.Model, StringComparison.Ordinal))
        {
            // A model change moves the camera to a fresh slot: simplest to restart it.
            await StopCameraAsync(spec.Id, removed: false);
            await StartCameraAsync(spec, CancellationToken.None);
            return;
        }

        current.Slot.Spec = spec;
        current.Grain.Update(spec);
        lock (_running)
        {
            _running[spec.Id] = current with { Spec = spec };
        }
    }

    private async Task StopCameraAsync(string id, bool removed, bool release = true)
    {
        RunningCamera? camera;
        lock (_running)
        {
            _running.Remove(id, out camera);
        }

        if (camera is null)
        {
            return;
        }

        await camera.Grain.StopAsync();
        inference.Detach(camera.Slot);

        // Only after the grain stopped offering frames: the next owner starts at once, and never alongside us.
        if (release)
        {
            await ownership.ReleaseAsync(id, CancellationToken.None);
        }

        if (removed)
        {
            await streams.DeleteAsync(id);
            await statusBoard.RemoveAsync(id);
        }
        else if (release)
        {
            // (A lost lease reports nothing: the camera's new owner is reporting it by now.)
            await statusBoard.ReportAsync(camera.Grain.Status with { State = CameraState.Stopped, UpdatedAt = time.GetUtcNow() });
        }

        LogCameraStopped(id, removed);
    }

    private async Task ReportStoppedAsync(string id, CancellationToken cancellationToken)
    {
        var status = await statusBoard.GetAsync(id, cancellationToken);
        if (status is null || status.State != CameraState.Stopped)
        {
            await statusBoard.ReportAsync(
                (status ?? new CameraStatus { Id = id }) with { State = CameraState.Stopped, Device = null, Silo = null, UpdatedAt = time.GetUtcNow() },
                cancellationToken);
        }
    }

    private async Task<List<string>> RemovedStreamsAsync(Dictionary<string, CameraSpec> desired, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        foreach (var status in await statusBoard.ListAsync(cancellationToken))
        {
            if (!desired.ContainsKey(status.Id) && (status.Silo is null || status.Silo == identity.Name))
            {
                removed.Add(status.Id);
            }
        }

        return removed;
    }

    private async Task StopAllAsync()
    {
        List<string> ids;
        lock (_running)
        {
            ids = [.. _running.Keys];
        }

        foreach (var id in ids)
        {
            await StopCameraAsync(id, removed: false);
        }
    }

    private async Task ReportStatusLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(StatusInterval, time);
        while (await TickAsync(timer, cancellationToken))
        {
            List<RunningCamera> cameras;
            lock (_running)
            {
                cameras = [.. _running.Values];
            }

            foreach (var camera in cameras)
            {
                try
                {
                    await statusBoard.ReportAsync(camera.Grain.Status, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogStatusFailed(camera.Spec.Id, e.Message);
                }
            }
        }
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Reconciling cameras failed; retrying")]
    private partial void LogReconcileFailed(Exception exception);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Camera {Camera} started ({Url}, model {Model})")]
    private partial void LogCameraStarted(string camera, string url, string model);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "Camera {Camera} stopped (removed: {Removed})")]
    private partial void LogCameraStopped(string camera, bool removed);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Reporting the status of camera {Camera} failed: {Reason}")]
    private partial void LogStatusFailed(string camera, string reason);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Error, Message = "Stopping camera {Camera} after its lease was lost failed")]
    private partial void LogLostStopFailed(string camera, Exception exception);

    private sealed record RunningCamera(CameraSpec Spec, FrameSlot Slot, CameraGrain Grain);
}
