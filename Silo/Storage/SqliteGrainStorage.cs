using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace VideoAnalytics.Silo.Storage;

/// <summary>
/// Grain state in a SQLite file, for the all-in-one service: camera grains' epochs must survive a restart, or a
/// restarted service's frames would fall below the fences its detection history remembers. Orleans' memory storage
/// forgets everything at exit; a cluster uses Orleans' Redis storage instead.
/// </summary>
/// <remarks>Optimistic concurrency as Orleans expects of a storage: the ETag is the row's version, a write names
/// the version it read, and a write that finds another version throws <see cref="InconsistentStateException"/>.
/// States are encoded with Orleans' own serializer (the types are <c>[GenerateSerializer]</c>).</remarks>
public sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS grain_state (
            grain TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, state BLOB NOT NULL,
            PRIMARY KEY (grain, name)) WITHOUT ROWID;
        """;

    private readonly string _connectionString;
    private readonly Serializer _serializer;
    private readonly SemaphoreSlim _writes = new(1);

    public SqliteGrainStorage(string path, Serializer serializer)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var connection = Open();
        using var create = connection.CreateCommand();
        create.CommandText = Schema;
        create.ExecuteNonQuery();
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await using var connection = Open();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT version, state FROM grain_state WHERE grain = $grain AND name = $name";
        read.Parameters.AddWithValue("$grain", grainId.ToString());
        read.Parameters.AddWithValue("$name", stateName);
        await using var row = await read.ExecuteReaderAsync();
        if (await row.ReadAsync())
        {
            grainState.ETag = row.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.State = _serializer.Deserialize<T>((byte[])row.GetValue(1));
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var next = ParseVersion(grainState.ETag) + 1;
        var bytes = _serializer.SerializeToArray(grainState.State);
        await WriteAsync(grainId, stateName, grainState.ETag, async command =>
        {
            // A first write inserts (and fails if another activation inserted meanwhile); later ones update the version read.
            command.CommandText = grainState.ETag is null
                ? "INSERT OR IGNORE INTO grain_state (grain, name, version, state) VALUES ($grain, $name, $next, $state)"
                : "UPDATE grain_state SET version = $next, state = $state WHERE grain = $grain AND name = $name AND version = $version";
            command.Parameters.AddWithValue("$next", next);
            command.Parameters.AddWithValue("$state", bytes);
            return await command.ExecuteNonQueryAsync();
        });
        grainState.ETag = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (grainState.ETag is not null)
        {
            await WriteAsync(grainId, stateName, grainState.ETag, async command =>
            {
                command.CommandText = "DELETE FROM grain_state WHERE grain = $grain AND name = $name AND version = $version";
                return await command.ExecuteNonQueryAsync();
            });
        }

        grainState.ETag = null;
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }

    public void Dispose() => _writes.Dispose();

    private async Task WriteAsync(GrainId grainId, string stateName, string? etag, Func<SqliteCommand, Task<int>> write)
    {
        await _writes.WaitAsync();
        try
        {
            await using var connection = Open();
            await using var command = connection.CreateCommand();
            command.Parameters.AddWithValue("$grain", grainId.ToString());
            command.Parameters.AddWithValue("$name", stateName);
            command.Parameters.AddWithValue("$version", ParseVersion(etag));
            if (await write(command) == 0)
            {
                throw new InconsistentStateException($"the state '{stateName}' of {grainId} was written by another activation since it was read", etag ?? "none", "changed");
            }
        }
        finally
        {
            _writes.Release();
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static long ParseVersion(string? etag) =>
        etag is null ? 0 : long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture);
}
