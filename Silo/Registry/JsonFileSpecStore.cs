using System.Text.Json;

namespace VideoAnalytics.Silo.Registry;

/// <summary>
/// The machinery of a single-process registry (cameras, sinks): specs by id in a sorted map, persisted as one JSON file
/// in the data directory. Writes go to a temporary file then replace the old one, so a crash mid-write never leaves a
/// half-written registry; with no path it keeps specs in memory only.
/// </summary>
/// <remarks>
/// Specs may carry passwords (camera URLs, a webhook's secret), so the file is readable by the service's user only
/// (mode 0600): the temporary file is created with that mode before a byte is written, the rename keeps it, and a
/// file found with a wider mode (written by an older version) is narrowed when it is loaded.
/// </remarks>
/// <typeparam name="T">The spec type, serialized with the web defaults.</typeparam>
internal sealed class JsonFileSpecStore<T> : IDisposable
    where T : class
{
    /// <summary>Owner read and write, nothing for group and others.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string? _path;
    private readonly string _what;
    private readonly Func<T, string> _idOf;
    private readonly SortedDictionary<string, T> _specs = new(StringComparer.Ordinal);

    /// <param name="directory">The data directory; null or blank keeps specs in memory only.</param>
    /// <param name="fileName">The file in it (<c>cameras.json</c>).</param>
    /// <param name="what">What the file holds, for the error a corrupt file raises (<c>camera registry</c>).</param>
    /// <param name="idOf">A spec's id.</param>
    public JsonFileSpecStore(string? directory, string fileName, string what, Func<T, string> idOf)
    {
        _what = what;
        _idOf = idOf;
        if (!string.IsNullOrWhiteSpace(directory))
        {
            Directory.CreateDirectory(directory);
            _path = Path.Combine(Path.GetFullPath(directory), fileName);
            Load();
        }
    }

    public event Action<string>? Changed;

    public void Dispose() => _gate.Dispose();

    public async Task<IReadOnlyList<T>> ListAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return [.. _specs.Values];
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<T?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _specs.GetValueOrDefault(id);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<bool> AddAsync(T spec, CancellationToken cancellationToken) =>
        MutateAsync(_idOf(spec), specs => specs.TryAdd(_idOf(spec), spec), cancellationToken);

    public Task<bool> ReplaceAsync(T spec, CancellationToken cancellationToken) =>
        MutateAsync(_idOf(spec), specs =>
        {
            var id = _idOf(spec);
            if (!specs.ContainsKey(id))
            {
                return false;
            }

            specs[id] = spec;
            return true;
        }, cancellationToken);

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken) =>
        MutateAsync(id, specs => specs.Remove(id), cancellationToken);

    private async Task<bool> MutateAsync(string id, Func<SortedDictionary<string, T>, bool> change, CancellationToken cancellationToken)
    {
        bool changed;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            changed = change(_specs);
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

        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(_path) != FileMode)
        {
            File.SetUnixFileMode(_path, FileMode);
        }

        try
        {
            var specs = JsonSerializer.Deserialize<List<T>>(File.ReadAllText(_path), Json) ?? [];
            foreach (var spec in specs)
            {
                _specs[_idOf(spec)] = spec;
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{_path}: the {_what} is not valid JSON ({e.Message}); fix or remove the file", e);
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (_path is null)
        {
            return;
        }

        // A temporary file left by a crash may have any mode, and opening an existing file keeps its mode: start afresh.
        var temporary = _path + ".tmp";
        File.Delete(temporary);
        var create = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = FileMode;
        }

        await using (var file = new FileStream(temporary, create))
        {
            await JsonSerializer.SerializeAsync(file, _specs.Values, Json, cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
    }
}
