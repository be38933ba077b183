namespace VideoAnalytics.Silo.Hosting;

/// <summary>Single-process mode: this silo owns every camera; there are no leases (epoch 0).</summary>
public sealed class SingleSiloOwnership : ICameraOwnership
{
    public event Action<string>? Changed
    {
        add { }
        remove { }
    }

    public event Action<string>? LeaseLost
    {
        add { }
        remove { }
    }

    public ValueTask<bool> OwnsAsync(string cameraId, CancellationToken cancellationToken) => ValueTask.FromResult(true);

    public ValueTask<long?> AcquireAsync(string cameraId, CancellationToken cancellationToken) => ValueTask.FromResult<long?>(0);

    public ValueTask ReleaseAsync(string cameraId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
