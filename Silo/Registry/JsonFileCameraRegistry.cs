using System.Text.Json;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Registry;

/// <summary>
/// The camera registry of a single process, persisted as <c>cameras.json</c> in the data directory so
/// cameras survive a restart. Writes go to a temporary file then replace the old one, so a crash mid-write
/// never leaves a half-written registry. With an empty data directory it keeps cameras in memory only.
/// </summary>
public sealed class JsonFileCameraRegistry : ICameraRegistry, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string? _path;
    private readonly SortedDictionary<string, CameraSpec> _cameras = new(StringComparer.Ordinal);

    public JsonFileCameraRegistry(IOptions<RegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = options.Value.DataDirectory;
        if (!string.IsNullOrWhiteSpace(directory))
        {
            Directory.CreateDirectory(directory);
            _path = Path.Combine(Path.GetFullPath(directory), "cameras.json");
            Load();
        }
    }

    public event Action<string>? Changed;

    public void Dispose() => _gate.Dispose();

    public async Task<IReadOnlyList<CameraSpec>> ListAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return [.. _cameras.Values];
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<CameraSpec?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _cameras.GetValueOrDefault(id);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<bool> AddAsync(CameraSpec spec, CancellationToken cancellationToken = default) =>
        MutateAsync(spec.Id, cameras => cameras.TryAdd(spec.Id, spec), cancellationToken);

    public Task<bool> ReplaceAsync(CameraSpec spec, CancellationToken cancellationToken = default) =>
        MutateAsync(spec.Id, cameras =>
        {
            if (!cameras.ContainsKey(spec.Id))
            {
                return false;
            }

            cameras[spec.Id] = spec;
            return true;
        }, cancellationToken);

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default) =>
        MutateAsync(id, cameras => cameras.Remove(id), cancellationToken);

    private async Task<bool> MutateAsync(string id, Func<SortedDictionary<string, CameraSpec>, bool> change, CancellationToken cancellationToken)
    {
        bool changed;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            changed = change(_cameras);
            if (changed)
            {
                await SaveAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }

        if (changed)
        {
            Changed?.Invoke(id);
        }

        return changed;
    }

    private void Load()
    {
        if (_path is null || !File.Exists(_path))
        {
            return;
        }

        try
        {
            var specs = JsonSerializer.Deserialize<List<CameraSpec>>(File.ReadAllText(_path), Json) ?? [];
            foreach (var spec in specs)
            {
                _cameras[spec.Id] = spec;
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{_path}: the camera registry is not valid JSON ({e.Message}); fix or remove the file", e);
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (_path is null)
        {
            return;
        }

        var temporary = _path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(_cameras.Values, Json), cancellationToken);
        File.Move(temporary, _path, overwrite: true);
    }
}
