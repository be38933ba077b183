using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Storage;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Hosting;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Placement;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// The Orleans grain of one camera (key = camera id): the control plane over its <see cref="CameraCapture"/>. Turns
/// start, edit and stop the capture and report its status; the capture itself runs on a thread of its own and hands
/// frames by reference to this silo's inference worker (the one its <c>DeviceInferenceGrain</c> reports; no frame crosses a grain call).
/// </summary>
/// <remarks>
/// <para>Fencing: every capture start takes the next epoch through an optimistic-concurrency write of the grain state
/// and raises the camera's stream fence to it before the first frame; every frame carries it. An older activation
/// that is still running somewhere (its silo was frozen, then resumed) is refused by the stream from then on.</para>
/// <para>Staying alive: the keeper of every silo calls <see cref="RunAsync"/> for each enabled camera, every few
/// seconds and at once when membership changes, and a reminder per enabled camera does the same once a minute should
/// every keeper miss it. <see cref="KeepAliveAttribute"/> keeps a running camera from being collected as idle.</para>
/// <para>Moving: when a silo joins, the cameras it now wins answer the next keeper call with
/// <see cref="CameraRunResult.Moving"/>, stop and deactivate; the keeper's next call activates them there.</para>
/// </remarks>
[CameraPlacement]
[KeepAlive]
public sealed partial class CameraGrain(
    [PersistentState("camera", CameraGrain.StorageName)] IPersistentState<CameraGrainState> state,
    ICameraRegistry registry,
    ICameraStatusBoard statusBoard,
    IDetectionStreams streams,
    InferenceHost inference,
    AnnotatedFrameTap tap,
    ModelCatalog models,
    CameraPlacement placement,
    IOptions<CameraOptions> cameraOptions,
    PipelineMetrics metrics,
    SiloIdentity identity,
    TimeProvider time,
    ILoggerFactory loggerFactory) : Grain, ICameraGrain, IRemindable
{
    /// <summary>The grain storage camera state lives in.</summary>
    public const string StorageName = "cameras";

    internal const string KeepRunningReminder = "keep-running";

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestFrameWait = TimeSpan.FromMinutes(1);
    private const int EpochWriteAttempts = 3;

    private readonly ILogger _logger = loggerFactory.CreateLogger<CameraGrain>();
    private CameraCapture? _capture;
    private FrameSlot? _slot;
    private CameraSpec? _spec;
    private IGrainTimer? _statusTimer;
    private bool _reminderRegistered;

    private string Id => this.GetPrimaryKeyString();

    public async Task<CameraRunResult> RunAsync(CameraSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!string.Equals(spec.Id, Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"spec for camera '{spec.Id}' sent to camera '{Id}'", nameof(spec));
        }

        if (!spec.Enabled)
        {
            await StopAsync();
            return CameraRunResult.Running;
        }

        if (!placement.BelongsHere(Id))
        {
            await StopCaptureAsync("placement moves it to another silo");
            metrics.Forget(Id);
            this.DeactivateOnIdle();
            return CameraRunResult.Moving;
        }

        await EnsureReminderAsync();
        if (_capture is not null && _spec is not null && string.Equals(_spec.Model, spec.Model, StringComparison.Ordinal))
        {
            if (!_spec.SameAs(spec))
            {
                _capture.Update(spec);
                _spec = spec;
                await SaveSpecAsync(spec);
            }

            return CameraRunResult.Running;
        }

        // Not running yet, or its model changed (a model change moves the camera to another batch: restart it).
        await StopCaptureAsync("its model changed");
        await StartCaptureAsync(spec);
        return CameraRunResult.Running;
    }

    public async Task StopAsync()
    {
        var last = _capture is not null ? CurrentStatus(_capture) : await statusBoard.GetAsync(Id) ?? new CameraStatus { Id = Id };
        await StopCaptureAsync("disabled");
        metrics.Forget(Id);
        await UnregisterReminderAsync();
        StopStatusReports();
        if (last.State != CameraState.Stopped || last.Silo is not null)
        {
            // Switched off: no rates and no error linger from the last report (the last failure stays in LastFailure).
            await statusBoard.ReportAsync(last.NotStreaming(CameraState.Stopped) with { Device = null, Silo = null, UpdatedAt = time.GetUtcNow() });
        }

        this.DeactivateOnIdle();
    }

    public async Task RemoveAsync()
    {
        await StopCaptureAsync("removed");
        metrics.Forget(Id); // a deleted camera's series leave /metrics with it
        await UnregisterReminderAsync();
        StopStatusReports();
        await streams.DeleteAsync(Id);
        await statusBoard.RemoveAsync(Id);
        if (state.State.Spec is not null)
        {
            // The epoch stays: a camera added again under this id must still fence out a stale silo's frames.
            state.State = state.State with { Spec = null };
            await state.WriteStateAsync();
        }

        this.DeactivateOnIdle();
    }

    public async Task<CameraStatus> GetStatusAsync() =>
        _capture is not null ? CurrentStatus(_capture) : await statusBoard.GetAsync(Id) ?? new CameraStatus { Id = Id, State = CameraState.Stopped };

    public async Task<AnnotatedFrame?> NextAnnotatedFrameAsync(TimeSpan timeout, bool drawBoxes)
    {
        if (_capture is null || timeout <= TimeSpan.Zero)
        {
            return null;
        }

        using var waiting = new CancellationTokenSource(timeout < LongestFrameWait ? timeout : LongestFrameWait);
        try
        {
            return await tap.NextAsync(Id, drawBoxes, waiting.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!string.Equals(reminderName, KeepRunningReminder, StringComparison.Ordinal))
        {
            return;
        }

        var spec = await registry.GetAsync(Id);
        if (spec is null)
        {
            await RemoveAsync();
        }
        else
        {
            await RunAsync(spec);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        StopStatusReports();
        await StopCaptureAsync(reason.ReasonCode == DeactivationReasonCode.ShuttingDown ? "the silo is stopping" : reason.Description);
        metrics.Forget(Id);
    }

    private async Task StartCaptureAsync(CameraSpec spec)
    {
        _spec = spec;

        // A camera naming a model this silo cannot load fails with the reason and takes no capture resources; the
        // keeper's next call asks again, and the catalog loads the model anew once its file was fixed or added.
        if (!models.TryGet(spec.Model, inference.PrimaryDevice, out _, out var error))
        {
            await statusBoard.ReportAsync(new CameraStatus
            {
                Id = Id,
                State = CameraState.Failed,
                LastError = error,
                Silo = identity.Name,
                UpdatedAt = time.GetUtcNow(),
                Epoch = state.State.Epoch,
            });
            return;
        }

        var epoch = await TakeEpochAsync(spec);
        await streams.FenceAsync(Id, epoch);
        var slot = inference.Attach(spec);
        slot.Epoch = epoch;
        var capture = new CameraCapture(spec, slot, cameraOptions.Value, metrics, time, loggerFactory.CreateLogger<CameraCapture>(), identity.Name);
        _slot = slot;
        _capture = capture;
        capture.Start();
        _statusTimer ??= this.RegisterGrainTimer(ReportStatusAsync, new GrainTimerCreationOptions(StatusInterval, StatusInterval));
        var source = UrlRedaction.Redact(spec.Url);
        LogStarted(Id, identity.Name, source, spec.Model, epoch);
        await statusBoard.ReportAsync(CurrentStatus(capture));
    }

    private async Task StopCaptureAsync(string reason)
    {
        var capture = _capture;
        var slot = _slot;
        _capture = null;
        _slot = null;
        if (capture is null)
        {
            return;
        }

        // Stopping closes the slot at once, so nothing of this activation is offered for inference after this.
        await capture.StopAsync();
        inference.Detach(slot!);
        LogLeft(Id, identity.Name, reason);
    }

    // Optimistic concurrency: a write fails when another activation wrote since we read, and we read again.
    private async Task<long> TakeEpochAsync(CameraSpec spec)
    {
        for (var attempt = 1; ; attempt++)
        {
            state.State = state.State with { Epoch = state.State.Epoch + 1, Spec = spec };
            try
            {
                await state.WriteStateAsync();
                return state.State.Epoch;
            }
            catch (InconsistentStateException) when (attempt < EpochWriteAttempts)
            {
                await state.ReadStateAsync();
            }
        }
    }

    private async Task SaveSpecAsync(CameraSpec spec)
    {
        state.State = state.State with { Spec = spec };
        await state.WriteStateAsync();
    }

    private async Task ReportStatusAsync(CancellationToken cancellationToken)
    {
        if (_capture is null)
        {
            return;
        }

        try
        {
            await statusBoard.ReportAsync(CurrentStatus(_capture), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStatusFailed(Id, e.Message);
        }
    }

    // The state's epoch is the running capture's: only a capture start takes a new one.
    private CameraStatus CurrentStatus(CameraCapture capture) => capture.Status with { Epoch = state.State.Epoch };

    private void StopStatusReports()
    {
        _statusTimer?.Dispose();
        _statusTimer = null;
    }

    private async Task EnsureReminderAsync()
    {
        if (!_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(KeepRunningReminder, ReminderPeriod, ReminderPeriod);
            _reminderRegistered = true;
        }
    }

    private async Task UnregisterReminderAsync()
    {
        _reminderRegistered = false;
        if (await this.GetReminder(KeepRunningReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(EventId = 2120, Level = LogLevel.Information, Message = "Camera {Camera} started on silo {Silo} ({Url}, model {Model}, epoch {Epoch})")]
    private partial void LogStarted(string camera, string silo, string url, string model, long epoch);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Information, Message = "Camera {Camera} left silo {Silo}: {Reason}")]
    private partial void LogLeft(string camera, string silo, string reason);

    [LoggerMessage(EventId = 2122, Level = LogLevel.Warning, Message = "Reporting the status of camera {Camera} failed: {Reason}")]
    private partial void LogStatusFailed(string camera, string reason);
}
