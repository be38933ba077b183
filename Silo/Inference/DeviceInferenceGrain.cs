using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using VideoAnalytics.Contracts.Inference;
using VideoAnalytics.Silo.Placement;

namespace VideoAnalytics.Silo.Inference;

/// <summary>
/// The Orleans grain of one device on one silo (key <c>{silo}/{device}</c>): the control plane and report of the
/// <see cref="InferenceWorker"/> that this silo's <see cref="InferenceHost"/> runs for the device. The worker is a silo
/// service rather than the grain's own because it must run before any camera grain attaches and until the last one
/// detached, and its batches block for milliseconds on a thread of their own; the grain's turns only read it.
/// </summary>
/// <remarks>
/// <para>Placement pins it (<see cref="InferencePlacementDirector"/>); activation checks again that the key names this
/// silo and one of its devices, so a grain can never report another silo's device, whatever placed it.</para>
/// <para><see cref="KeepAliveAttribute"/>: it is activated as its silo starts (<see cref="InferenceGrainActivator"/>)
/// and stays for the silo's life, so the Orleans dashboard lists one per device of every silo.</para>
/// </remarks>
[InferencePlacement]
[GrainType(InferenceGrainKey.GrainType)]
[KeepAlive]
public sealed partial class DeviceInferenceGrain(InferenceHost host, ModelCatalog catalog, ILocalSiloDetails silo, ILogger<DeviceInferenceGrain> logger)
    : Grain, IInferenceGrain
{
    private InferenceWorker? _worker;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        if (!InferenceGrainKey.TryParse(key, out var siloName, out var device))
        {
            throw new ArgumentException($"inference grain key '{key}' is not {{silo}}/{{device}}");
        }

        if (!string.Equals(siloName, silo.Name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"inference grain '{key}' refused on silo '{silo.Name}': it belongs to silo '{siloName}'");
        }

        _worker = host.Worker(device)
            ?? throw new InvalidOperationException($"inference grain '{key}' refused: silo '{silo.Name}' runs no inference device '{device}'");
        LogActivated(key, _worker.Device);
        return Task.CompletedTask;
    }

    public Task<InferenceStatus> GetStatusAsync()
    {
        // The worker's counters are read without locks (volatile snapshots): a turn never waits on the device's thread.
        var worker = _worker!;
        var device = worker.Device.ToString();
        return Task.FromResult(new InferenceStatus
        {
            Silo = silo.Name,
            Device = device,
            RequestedDevice = worker.Key,
            FellBackToCpu = !string.Equals(device, worker.Key, StringComparison.Ordinal),
            Cameras = worker.CameraIds,
            QueueDepth = worker.QueueDepth,
            Batches = worker.Batches,
            ModelsLoaded = catalog.LoadedOn(worker.Device),
        });
    }

    [LoggerMessage(EventId = 2210, Level = LogLevel.Information, Message = "Inference grain {Key} active, batching on {Device}")]
    private partial void LogActivated(string key, VideoAnalytics.Inference.Onnx.ExecutionDevice device);
}
