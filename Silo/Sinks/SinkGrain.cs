using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// The Orleans grain of one event sink (key = sink id): the control plane over its <see cref="SinkDelivery"/>, which
/// runs off the grain's turns. A grain timer saves the delivery's checkpoints (the last position delivered per camera)
/// to grain storage at most every <see cref="SinkOptions.CheckpointInterval"/>, and deactivation saves them once more.
/// </summary>
/// <remarks>
/// <para>At least once: a message counts as delivered when the transport returned, and the checkpoint that covers it
/// is saved up to <see cref="SinkOptions.CheckpointInterval"/> later. A sink that stops cleanly (disabled, edited, its silo shutting
/// down) saves first and repeats nothing; one whose silo dies resumes on a survivor from the last saved checkpoint, so
/// it repeats at most about a second of messages (plus a batch whose send was interrupted), each with the event id it
/// had the first time.</para>
/// <para>Staying alive: the sink keeper of every silo calls <see cref="RunAsync"/> for each enabled sink every few
/// seconds and at once on registry and membership changes, so a sink whose silo died runs on a survivor within
/// seconds; <see cref="KeepAliveAttribute"/> keeps a running sink from being collected as idle.</para>
/// </remarks>
[KeepAlive]
#pragma warning disable CA1001 // The delivery is disposed by the grain's lifecycle (stop, remove, deactivation), not by Dispose.
public sealed partial class SinkGrain(
    [PersistentState("sink", SinkGrain.StorageName)] IPersistentState<SinkGrainState> state,
    SinkServices services,
    SiloIdentity identity,
    ILogger<SinkGrain> logger) : Grain, ISinkGrain
#pragma warning restore CA1001
{
    /// <summary>The grain storage sink checkpoints live in.</summary>
    public const string StorageName = "sinks";

    private static readonly JsonSerializerOptions SpecJson = new(JsonSerializerDefaults.Web);

    private SinkDelivery? _delivery;
    private string? _specJson;
    private bool _disabled;
    private IGrainTimer? _timer;

    public async Task RunAsync(SinkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Enabled)
        {
            await StopAsync();
            return;
        }

        // Specs arrive deserialized on every keeper pass: compare by value (a record compares its lists by reference).
        var json = JsonSerializer.Serialize(spec, SpecJson);
        if (_delivery is not null && json == _specJson)
        {
            return;
        }

        await StopDeliveryAsync();
        _disabled = false;
        _specJson = json;
        _delivery = new SinkDelivery(spec, state.State.Checkpoints, services, identity.Name);
        _delivery.Start();
        _timer ??= this.RegisterGrainTimer(SaveCheckpointsAsync, new GrainTimerCreationOptions(services.Options.CheckpointInterval, services.Options.CheckpointInterval));
        LogStarted(spec.Id, spec.Type, state.State.Checkpoints.Count);
    }

    public async Task StopAsync()
    {
        await StopDeliveryAsync();
        _disabled = true;
    }

    public async Task RemoveAsync()
    {
        await StopDeliveryAsync(save: false);
        await state.ClearStateAsync();
        _disabled = true;
        DeactivateOnIdle();
    }

    public Task<SinkStatus> GetStatusAsync() => Task.FromResult(
        _delivery?.Status() ?? new SinkStatus
        {
            Id = this.GetPrimaryKeyString(),
            State = _disabled ? SinkState.Disabled : SinkState.Starting,
            UpdatedAt = services.Time.GetUtcNow(),
        });

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await StopDeliveryAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task StopDeliveryAsync(bool save = true)
    {
        _timer?.Dispose();
        _timer = null;
        if (_delivery is not { } delivery)
        {
            return;
        }

        _delivery = null;
        _specJson = null;
        await delivery.DisposeAsync();
        if (save)
        {
            await SaveAsync(delivery);
        }
    }

    private Task SaveCheckpointsAsync(CancellationToken cancellationToken) =>
        _delivery is { } delivery ? SaveAsync(delivery) : Task.CompletedTask;

    private async Task SaveAsync(SinkDelivery delivery)
    {
        var checkpoints = delivery.Checkpoints();
        if (Same(checkpoints, state.State.Checkpoints))
        {
            return;
        }

        state.State.Checkpoints = checkpoints;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Storage briefly away: the next tick writes the newer checkpoints; a failure meanwhile repeats more.
            LogSaveFailed(this.GetPrimaryKeyString(), e.GetType().Name, e.Message);
        }
    }

    private static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    [LoggerMessage(EventId = 2606, Level = LogLevel.Information, Message = "Sink {Sink} ({Type}) delivering, resuming {Checkpoints} camera checkpoints")]
    private partial void LogStarted(string sink, string type, int checkpoints);

    [LoggerMessage(EventId = 2607, Level = LogLevel.Warning, Message = "Sink {Sink}: saving checkpoints failed ({Kind}): {Reason}")]
    private partial void LogSaveFailed(string sink, string kind, string reason);
}
