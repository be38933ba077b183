namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// Decides which cameras this silo runs. Single process: all of them, epoch 0. Cluster: rendezvous placement
/// over live silos plus a lease with a fencing epoch, so a camera runs on exactly one silo at a time.
/// </summary>
public interface ICameraOwnership
{
    /// <summary>Raised when placement may have changed (a silo joined or left).</summary>
    event Action<string>? Changed;

    /// <summary>
    /// Raised when this silo lost a camera's lease it held (a renewal found another holder, or could not be made
    /// within the lease duration): the camera must stop at once, without releasing a lease that is no longer ours.
    /// </summary>
    event Action<string>? LeaseLost;

    /// <summary>Whether this silo should run <paramref name="cameraId"/>.</summary>
    ValueTask<bool> OwnsAsync(string cameraId, CancellationToken cancellationToken);

    /// <summary>Takes the camera's lease; returns its new fencing epoch, or null when another silo holds it.</summary>
    ValueTask<long?> AcquireAsync(string cameraId, CancellationToken cancellationToken);

    /// <summary>Gives the lease back (camera stopped or handed over).</summary>
    ValueTask ReleaseAsync(string cameraId, CancellationToken cancellationToken);
}
