using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using VideoAnalytics.Contracts.Inference;

namespace VideoAnalytics.Silo.Inference;

/// <summary>
/// Activates this silo's inference grains, one per device of its <see cref="InferenceHost"/>, once the silo is active.
/// Orleans activates a grain only when it is called, and nothing else calls these before someone asks for their
/// status; activated at start they show in the Orleans dashboard from the silo's first minute (and stay: they are
/// kept alive).
/// </summary>
/// <remarks>The calls run off the lifecycle, after the host's workers started (in Orleans' TestingHost the silo starts
/// before the host's other services), and are retried until each answers: a silo's start never waits on them.</remarks>
public sealed partial class InferenceGrainActivator(
    IGrainFactory grains, InferenceHost host, ILocalSiloDetails silo, ILogger<InferenceGrainActivator> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _activation = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        // Active: the silo is a member and placement can pick it. The workers started before the silo (a hosted service).
        lifecycle.Subscribe(nameof(InferenceGrainActivator), ServiceLifecycleStage.Active, StartAsync, StopAsync);
    }

    public void Dispose() => _stopping.Dispose();

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _activation = Task.Run(() => ActivateAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _activation.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ActivateAsync(CancellationToken stopping)
    {
        await host.Started.WaitAsync(stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var pending = new List<string>();
        foreach (var worker in host.Workers)
        {
            pending.Add(InferenceGrainKey.Format(silo.Name, worker.Key));
        }

        while (pending.Count > 0 && !stopping.IsCancellationRequested)
        {
            for (var i = pending.Count - 1; i >= 0; i--)
            {
                try
                {
                    await grains.GetGrain<IInferenceGrain>(pending[i]).GetStatusAsync().WaitAsync(CallTimeout, stopping);
                    pending.RemoveAt(i);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The worker runs regardless (cameras attach to it directly); only its report waits for the retry.
                    LogActivationFailed(pending[i], e.Message);
                }
            }

            if (pending.Count > 0)
            {
                await Task.Delay(RetryDelay, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message = "Inference grain {Key} could not be activated yet, retrying: {Reason}")]
    private partial void LogActivationFailed(string key, string reason);
}
