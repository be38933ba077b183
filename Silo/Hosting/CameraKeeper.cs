using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// Makes the camera grains follow the registry. Orleans activates a grain only when something calls it; the keeper
/// of every silo is that something: for each enabled camera it calls <see cref="ICameraGrain.RunAsync"/> (which
/// activates it where placement says, or applies an edit), disabled cameras still reported running are stopped,
/// and removed cameras' streams and statuses are deleted. It runs a pass at once on every registry change and
/// every membership change (a silo died, joined or left: its cameras must run elsewhere within seconds), and every
/// <see cref="ResyncInterval"/> in case a notification was missed.
/// </summary>
/// <remarks>
/// Calls are idempotent, so every silo's keeper may make them. Each call has its own timeout: a call to a camera
/// whose silo froze waits until membership declares that silo dead, and must not hold up the rest of the pass.
/// </remarks>
public sealed partial class CameraKeeper(
    IGrainFactory grains,
    ICameraRegistry registry,
    ICameraStatusBoard statusBoard,
    IClusterMembershipService membership,
    ILogger<CameraKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private const int ConcurrentCalls = 16;

    private readonly SemaphoreSlim _calls = new(ConcurrentCalls);
    private KeeperLoop? _loop;

    /// <summary>True once the first pass finished: the silo can accept cameras.</summary>
    public bool IsReady => _loop?.HasPassed ?? false;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        // Active: the silo is in the cluster and can place grains. Stopping first, before Orleans deactivates the
        // cameras, so that no pass re-activates them on a silo that is leaving.
        lifecycle.Subscribe(nameof(CameraKeeper), ServiceLifecycleStage.Active, StartAsync, StopAsync);
    }

    public void Dispose()
    {
        _loop?.Dispose();
        _calls.Dispose();
    }

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
        var statuses = new Dictionary<string, CameraStatus>(StringComparer.Ordinal);
        foreach (var status in await statusBoard.ListAsync(cancellationToken))
        {
            statuses[status.Id] = status;
        }

        var calls = new List<Task>(specs.Count + statuses.Count);
        var registered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            registered.Add(spec.Id);
            if (spec.Enabled)
            {
                calls.Add(CallAsync(spec.Id, g => RunAsync(g, spec), cancellationToken));
            }
            else if (!statuses.TryGetValue(spec.Id, out var status) || status.State != CameraState.Stopped || status.Silo is not null)
            {
                calls.Add(CallAsync(spec.Id, g => g.StopAsync(), cancellationToken));
            }
        }

        foreach (var id in statuses.Keys)
        {
            if (!registered.Contains(id))
            {
                calls.Add(CallAsync(id, g => g.RemoveAsync(), cancellationToken));
            }
        }

        await Task.WhenAll(calls);
    }

    // A camera answering Moving deactivates after the call; the second call activates it where it belongs.
    private static async Task RunAsync(ICameraGrain grain, CameraSpec spec)
    {
        if (await grain.RunAsync(spec) == CameraRunResult.Moving)
        {
            await grain.RunAsync(spec);
        }
    }

    private async Task CallAsync(string id, Func<ICameraGrain, Task> call, CancellationToken cancellationToken)
    {
        await _calls.WaitAsync(cancellationToken);
        try
        {
            await call(grains.GetGrain<ICameraGrain>(id)).WaitAsync(CallTimeout, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCallFailed(id, e.GetType().Name, e.Message);
        }
        finally
        {
            _calls.Release();
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Keeping cameras in line with the registry failed; retrying")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Camera {Camera}: keeper call failed ({Kind}): {Reason}")]
    private partial void LogCallFailed(string camera, string kind, string reason);
}
