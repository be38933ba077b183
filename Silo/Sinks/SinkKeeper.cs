using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// Makes the sink grains follow the registry, as the camera keeper does for cameras: on every registry change, every
/// membership change (a silo died: its sinks must run on a survivor) and every <see cref="ResyncInterval"/>, it calls
/// <see cref="ISinkGrain.RunAsync"/> for each enabled sink (activating it where Orleans places it, or applying an
/// edit), <see cref="ISinkGrain.StopAsync"/> for each disabled one and <see cref="ISinkGrain.RemoveAsync"/> for one
/// that left the registry since the last pass. Calls are idempotent, so every silo's keeper makes them; each has its
/// own timeout so a sink on a frozen silo does not hold up the pass.
/// </summary>
public sealed partial class SinkKeeper(
    IGrainFactory grains,
    ISinkRegistry registry,
    IClusterMembershipService membership,
    ILogger<SinkKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private KeeperLoop? _loop;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        // Stopping first, before Orleans deactivates the sinks, so that no pass re-activates them on a leaving silo.
        lifecycle.Subscribe(nameof(SinkKeeper), ServiceLifecycleStage.Active, StartAsync, StopAsync);
    }

    public void Dispose() => _loop?.Dispose();

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = new KeeperLoop(PassAsync, membership, ResyncInterval, LogPassFailed, h => registry.Changed += h, h => registry.Changed -= h);
        _loop.Start();
        return Task.CompletedTask;
    }

    private Task StopAsync(CancellationToken cancellationToken) => _loop?.StopAsync() ?? Task.CompletedTask;

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        var specs = await registry.ListAsync(cancellationToken);
        var calls = new List<Task>(specs.Count + _known.Count);
        var registered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            registered.Add(spec.Id);
            calls.Add(CallAsync(spec.Id, g => spec.Enabled ? g.RunAsync(spec) : g.StopAsync(), cancellationToken));
        }

        foreach (var id in _known)
        {
            if (!registered.Contains(id))
            {
                calls.Add(CallAsync(id, g => g.RemoveAsync(), cancellationToken));
            }
        }

        await Task.WhenAll(calls);
        _known.Clear();
        _known.UnionWith(registered);
    }

    private async Task CallAsync(string id, Func<ISinkGrain, Task> call, CancellationToken cancellationToken)
    {
        try
        {
            await call(grains.GetGrain<ISinkGrain>(id)).WaitAsync(CallTimeout, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCallFailed(id, e.GetType().Name, e.Message);
        }
    }

    [LoggerMessage(EventId = 2608, Level = LogLevel.Error, Message = "Keeping sinks in line with the registry failed; retrying")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(EventId = 2609, Level = LogLevel.Warning, Message = "Sink {Sink}: keeper call failed ({Kind}): {Reason}")]
    private partial void LogCallFailed(string sink, string kind, string reason);
}
