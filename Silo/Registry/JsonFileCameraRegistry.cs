using System.Text.Json;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Registry;

/// <summary>
/// The camera registry of a single process, persisted as <c>cameras.json</c> in the data directory so
/// cameras survive a restart. Writes go to a temporary file then replace the old one, so a crash mid-write
/// never leaves a half-written registry. With an empty data directory it keeps cameras in memory only.
/// </summary>
/// <remarks>
/// Camera URLs may carry passwords, so the file is readable by the service's user only (mode 0600): the temporary
/// file is created with that mode before a byte is written, the rename keeps it, and a file found with a wider mode
/// (written by an older version) is narrowed when it is loaded.
/// </remarks>
public sealed class JsonFileCameraRegistry : ICameraRegistry, IDisposable
{
    /// <summary>Owner read and write, nothing for group and others.</summary>
    public const UnixFileMode RegistryFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

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

        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(_path) != RegistryFileMode)
        {
            File.SetUnixFileMode(_path, RegistryFileMode);
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

        // A temporary file left by a crash may have any mode, and opening an existing file keeps its mode: start afresh.
        var temporary = _path + ".tmp";
        File.Delete(temporary);
        var create = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = RegistryFileMode;
        }

        await using (var file = new FileStream(temporary, create))
        {
            await JsonSerializer.SerializeAsync(file, _cameras.Values, Json, cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
    }
}
