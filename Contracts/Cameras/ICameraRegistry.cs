namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// The registered cameras: the control plane. Single process: a JSON file; cluster: Redis. Every change is
/// announced on <see cref="Changed"/> so silos react within seconds; silos also resync periodically.
/// </summary>
public interface ICameraRegistry
{
    /// <summary>Raised after a camera was added, replaced or removed (argument: its id).</summary>
    event Action<string>? Changed;

    Task<IReadOnlyList<CameraSpec>> ListAsync(CancellationToken cancellationToken = default);

    Task<CameraSpec?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Adds a new camera; false when the id is taken.</summary>
    Task<bool> AddAsync(CameraSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Replaces an existing camera; false when there is none with that id.</summary>
    Task<bool> ReplaceAsync(CameraSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Removes a camera; false when there was none.</summary>
    Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default);
}
