namespace VideoAnalytics.Contracts.Sinks;

/// <summary>
/// The registered event sinks, persisted like cameras (<see cref="Cameras.ICameraRegistry"/>): single process, a JSON file
/// beside the cameras'; cluster, Redis. Every change is announced on <see cref="Changed"/>; silos' sink keepers also
/// resync periodically. Specs hold secrets as written (a broker password, a webhook secret): redact before showing.
/// </summary>
public interface ISinkRegistry
{
    /// <summary>Raised after a sink was added, replaced or removed (argument: its id).</summary>
    event Action<string>? Changed;

    Task<IReadOnlyList<SinkSpec>> ListAsync(CancellationToken cancellationToken = default);

    Task<SinkSpec?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Adds a new sink; false when the id is taken.</summary>
    Task<bool> AddAsync(SinkSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Replaces an existing sink; false when there is none with that id.</summary>
    Task<bool> ReplaceAsync(SinkSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Removes a sink; false when there was none.</summary>
    Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default);
}
