using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Registry;

/// <summary>
/// The camera registry of a single process, persisted as <c>cameras.json</c> in the data directory so cameras survive a
/// restart (atomic replace, mode 0600: <see cref="JsonFileSpecStore{T}"/>). With an empty data directory it keeps
/// cameras in memory only.
/// </summary>
public sealed class JsonFileCameraRegistry : ICameraRegistry, IDisposable
{
    /// <summary>Owner read and write, nothing for group and others: camera URLs may carry passwords.</summary>
    public const UnixFileMode RegistryFileMode = JsonFileSpecStore<CameraSpec>.FileMode;

    private readonly JsonFileSpecStore<CameraSpec> _store;

    public JsonFileCameraRegistry(IOptions<RegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = new JsonFileSpecStore<CameraSpec>(options.Value.DataDirectory, "cameras.json", "camera registry", s => s.Id);
    }

    public event Action<string>? Changed
    {
        add => _store.Changed += value;
        remove => _store.Changed -= value;
    }

    public void Dispose() => _store.Dispose();

    public Task<IReadOnlyList<CameraSpec>> ListAsync(CancellationToken cancellationToken = default) => _store.ListAsync(cancellationToken);

    public Task<CameraSpec?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<bool> AddAsync(CameraSpec spec, CancellationToken cancellationToken = default) => _store.AddAsync(spec, cancellationToken);

    public Task<bool> ReplaceAsync(CameraSpec spec, CancellationToken cancellationToken = default) => _store.ReplaceAsync(spec, cancellationToken);

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default) => _store.RemoveAsync(id, cancellationToken);
}
