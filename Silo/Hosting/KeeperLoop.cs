using Orleans.Runtime;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// When a keeper (<see cref="CameraKeeper"/>, the sinks' keeper) makes its pass over the registry: at once on start, on
/// every <see cref="Wake"/> (a registry change), on every membership change (a silo died, joined or left: what it ran
/// must run elsewhere within seconds), and every resync interval in case a notification was missed. Passes never
/// overlap, and a burst of wake-ups coalesces into one pass, which picks up every change. A failed pass is reported and
/// the loop goes on.
/// </summary>
/// <param name="pass">The keeper's pass.</param>
/// <param name="membership">The cluster's membership, whose changes ask for a pass.</param>
/// <param name="resyncInterval">The longest time between passes.</param>
/// <param name="passFailed">Reports a failed pass.</param>
/// <param name="subscribe">Attaches a handler to the registry's change event (from <see cref="Start"/>).</param>
/// <param name="unsubscribe">Detaches it again (from <see cref="StopAsync"/>).</param>
public sealed class KeeperLoop(
    Func<CancellationToken, Task> pass,
    IClusterMembershipService membership,
    TimeSpan resyncInterval,
    Action<Exception> passFailed,
    Action<Action<string>> subscribe,
    Action<Action<string>> unsubscribe) : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private Task _membershipWatch = Task.CompletedTask;

    /// <summary>True once a pass finished without failing.</summary>
    public bool HasPassed { get; private set; }

    public void Start()
    {
        subscribe(OnRegistryChanged);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        _membershipWatch = Task.Run(() => WatchMembershipAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Asks for a pass soon (it may be coalesced with others already asked for).</summary>
    public void Wake()
    {
        // One pending wake-up is enough: the pass it starts reads everything afresh.
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    public async Task StopAsync()
    {
        unsubscribe(OnRegistryChanged);
        await _stopping.CancelAsync();
        await Task.WhenAll(_loop, _membershipWatch).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _wake.Dispose();
    }

    private void OnRegistryChanged(string id) => Wake();

    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                Wake();
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await pass(cancellationToken);
                HasPassed = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                passFailed(e);
            }

            try
            {
                await _wake.WaitAsync(resyncInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
