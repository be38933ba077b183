using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Sinks;

namespace VideoAnalytics.Silo.Registry;

/// <summary>
/// The sink registry of a single process: <c>sinks.json</c> beside <c>cameras.json</c>, written the same way (atomic
/// replace, mode 0600, since a sink holds a broker password or a webhook secret). Empty data directory: memory only.
/// </summary>
public sealed class JsonFileSinkRegistry : ISinkRegistry, IDisposable
{
    private readonly JsonFileSpecStore<SinkSpec> _store;

    public JsonFileSinkRegistry(IOptions<RegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = new JsonFileSpecStore<SinkSpec>(options.Value.DataDirectory, "sinks.json", "sink registry", s => s.Id);
    }

    public event Action<string>? Changed
    {
        add => _store.Changed += value;
        remove => _store.Changed -= value;
    }

    public void Dispose() => _store.Dispose();

    public Task<IReadOnlyList<SinkSpec>> ListAsync(CancellationToken cancellationToken = default) => _store.ListAsync(cancellationToken);

    public Task<SinkSpec?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<bool> AddAsync(SinkSpec spec, CancellationToken cancellationToken = default) => _store.AddAsync(spec, cancellationToken);

    public Task<bool> ReplaceAsync(SinkSpec spec, CancellationToken cancellationToken = default) => _store.ReplaceAsync(spec, cancellationToken);

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default) => _store.RemoveAsync(id, cancellationToken);
}
