using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Silo.Streams;

/// <summary>
/// The all-in-one service's detection history: one SQLite file (WAL), so that history, statistics and positions
/// survive a restart and a client resuming with its <c>Last-Event-ID</c> after a restart continues where it was.
/// Positions are per-camera sequence numbers (decimal text, from 1) that never repeat: the last one handed out and
/// the camera's fence are kept even when retention or removal deletes every frame.
/// </summary>
/// <remarks>
/// <para>Why SQLite rather than an append-only file of our own: range queries by capture time, deleting old frames
/// by time and by count, and crash safety come with it; WAL lets readers (subscribers, history, stats) read while the
/// pipeline appends, and with <c>synchronous=NORMAL</c> a commit costs no fsync.</para>
/// <para>Retention: a camera keeps at most its newest <see cref="StreamOptions.EmbeddedHistoryCap"/> frames (enforced
/// at every append), and frames older than <see cref="StreamOptions.Retention"/> are deleted once a minute.</para>
/// <para>Appends go through one connection, one at a time, each with its fence check in the same transaction; reads
/// open pooled connections of their own.</para>
/// </remarks>
public sealed class SqliteDetectionStreams : IDetectionStreams, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS streams (camera TEXT PRIMARY KEY, last INTEGER NOT NULL, fence INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS frames (
            camera TEXT NOT NULL, position INTEGER NOT NULL, captured INTEGER NOT NULL, frame TEXT NOT NULL,
            PRIMARY KEY (camera, position)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS frames_by_time ON frames (camera, captured);
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly Lock _writeGate = new();
    private readonly Dictionary<string, StreamState> _states = new(StringComparer.Ordinal);
    private readonly TimeSpan _retention;
    private readonly int _cap;
    private readonly TimeProvider _time;
    private readonly ITimer _pruning;

    public SqliteDetectionStreams(string path, IOptions<StreamOptions> options, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _retention = options.Value.Retention;
        _cap = options.Value.EmbeddedHistoryCap;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, Schema + "PRAGMA synchronous = NORMAL;");
        foreach (var (camera, last, fence) in ReadStreams())
        {
            _states[camera] = new StreamState { Last = last, Fence = fence };
        }

        _pruning = time.CreateTimer(_ => Prune(), null, PruneInterval, PruneInterval);
    }

    public Task<StreamAppend?> AppendAsync(DetectionFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var camera = frame.CameraId ?? throw new ArgumentException("a published frame needs a camera id", nameof(frame));
        var json = JsonSerializer.Serialize(frame, Json);
        long position;
        lock (_writeGate)
        {
            var state = StateOf(camera);
            if (frame.Epoch < state.Fence)
            {
                return Task.FromResult<StreamAppend?>(null); // fenced: produced by a superseded activation of the camera
            }

            position = state.Last + 1;
            using (var transaction = _writer.BeginTransaction())
            {
                Execute(_writer, "INSERT INTO frames (camera, position, captured, frame) VALUES ($camera, $position, $captured, $frame)",
                    ("$camera", camera), ("$position", position), ("$captured", frame.Timestamp.UtcTicks), ("$frame", json));
                SaveStream(camera, position, Math.Max(state.Fence, frame.Epoch));
                if (position > _cap)
                {
                    // The cap holds at every append (a primary-key range, usually one row); age is pruned once a minute.
                    Execute(_writer, "DELETE FROM frames WHERE camera = $camera AND position <= $capped", ("$camera", camera), ("$capped", position - _cap));
                }

                transaction.Commit();
            }

            state.Last = position;
            state.Fence = Math.Max(state.Fence, frame.Epoch);
        }

        // Positions are dense per camera (kept across restarts, removals and retention): the one before is one less.
        return Task.FromResult<StreamAppend?>(new StreamAppend(
            position.ToString(CultureInfo.InvariantCulture), position > 1 ? (position - 1).ToString(CultureInfo.InvariantCulture) : null));
    }

    public Task FenceAsync(string cameraId, long epoch, CancellationToken cancellationToken = default)
    {
        lock (_writeGate)
        {
            var state = StateOf(cameraId);
            if (epoch > state.Fence)
            {
                SaveStream(cameraId, state.Last, epoch);
                state.Fence = epoch;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StreamEntry>> ReadAsync(string cameraId, string? after, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StreamEntry>>(Query(
            "SELECT position, frame FROM frames WHERE camera = $camera AND position > $after ORDER BY position LIMIT $max",
            ("$camera", cameraId), ("$after", Parse(after)), ("$max", Math.Max(0, max))));

    public Task<RetentionGap?> GapAfterAsync(string cameraId, string after, CancellationToken cancellationToken = default)
    {
        var position = Parse(after);
        var last = LastPosition(cameraId);

        if (last <= position)
        {
            return Task.FromResult<RetentionGap?>(null); // nothing was ever written after it
        }

        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(position) FROM frames WHERE camera = $camera AND position > $after";
        command.Parameters.AddWithValue("$camera", cameraId);
        command.Parameters.AddWithValue("$after", position);
        var oldest = command.ExecuteScalar() is long found ? found : (long?)null;
        if (oldest == position + 1)
        {
            return Task.FromResult<RetentionGap?>(null);
        }

        // Positions are dense: everything between the resume point and the oldest held (or the newest written) is gone.
        var missed = (oldest ?? last + 1) - position - 1;
        return Task.FromResult<RetentionGap?>(new RetentionGap(missed, (position + 1).ToString(CultureInfo.InvariantCulture), oldest?.ToString(CultureInfo.InvariantCulture)));
    }

    public Task<IReadOnlyList<StreamEntry>> RangeAsync(string cameraId, DateTimeOffset since, DateTimeOffset until, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StreamEntry>>(Query(
            "SELECT position, frame FROM frames WHERE camera = $camera AND captured BETWEEN $since AND $until ORDER BY position LIMIT $max",
            ("$camera", cameraId), ("$since", since.UtcTicks), ("$until", until.UtcTicks), ("$max", Math.Max(0, max))));

    public Task<long?> CountAfterAsync(string cameraId, string after, CancellationToken cancellationToken = default)
    {
        var position = Parse(after);
        var last = LastPosition(cameraId);

        if (last <= position)
        {
            return Task.FromResult<long?>(0);
        }

        // Positions are dense: from the first held after the point to the newest (one index seek, not a count of rows).
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(position), MAX(position) FROM frames WHERE camera = $camera AND position > $after";
        command.Parameters.AddWithValue("$camera", cameraId);
        command.Parameters.AddWithValue("$after", position);
        using var reader = command.ExecuteReader();
        reader.Read();
        return Task.FromResult<long?>(reader.IsDBNull(0) ? 0 : reader.GetInt64(1) - reader.GetInt64(0) + 1);
    }

    public Task<StreamEntry?> LatestAsync(string cameraId, CancellationToken cancellationToken = default)
    {
        var latest = Query("SELECT position, frame FROM frames WHERE camera = $camera ORDER BY position DESC LIMIT 1", ("$camera", cameraId));
        return Task.FromResult(latest.Count == 0 ? null : latest[0]);
    }

    public Task<IReadOnlyList<string>> CamerasAsync(CancellationToken cancellationToken = default)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT camera FROM streams s WHERE EXISTS (SELECT 1 FROM frames f WHERE f.camera = s.camera) ORDER BY camera";
        var cameras = new List<string>();
        using var row = command.ExecuteReader();
        while (row.Read())
        {
            cameras.Add(row.GetString(0));
        }

        return Task.FromResult<IReadOnlyList<string>>(cameras);
    }

    public Task DeleteAsync(string cameraId, CancellationToken cancellationToken = default)
    {
        lock (_writeGate)
        {
            // The stream's row stays: positions of a camera added again under this id continue after the old ones.
            Execute(_writer, "DELETE FROM frames WHERE camera = $camera", ("$camera", cameraId));
        }

        return Task.CompletedTask;
    }

    public int ComparePositions(string? a, string? b) => Parse(a).CompareTo(Parse(b));

    // The newest position handed out for the camera (0: none), from the writer's state.
    private long LastPosition(string cameraId)
    {
        lock (_writeGate)
        {
            return StateOf(cameraId).Last;
        }
    }

    /// <summary>Deletes frames older than <see cref="StreamOptions.Retention"/>. Runs once a minute.</summary>
    internal void Prune()
    {
        var cutoff = (_time.GetUtcNow() - _retention).UtcTicks;
        lock (_writeGate)
        {
            foreach (var camera in _states.Keys)
            {
                Execute(_writer, "DELETE FROM frames WHERE camera = $camera AND captured < $cutoff", ("$camera", camera), ("$cutoff", cutoff));
            }
        }
    }

    public void Dispose()
    {
        _pruning.Dispose();
        lock (_writeGate)
        {
            _writer.Dispose();
        }
    }

    private StreamState StateOf(string camera)
    {
        if (!_states.TryGetValue(camera, out var state))
        {
            state = new StreamState();
            _states[camera] = state;
        }

        return state;
    }

    private void SaveStream(string camera, long last, long fence) =>
        Execute(_writer, "INSERT INTO streams (camera, last, fence) VALUES ($camera, $last, $fence) ON CONFLICT (camera) DO UPDATE SET last = $last, fence = $fence",
            ("$camera", camera), ("$last", last), ("$fence", fence));

    private List<(string Camera, long Last, long Fence)> ReadStreams()
    {
        using var command = _writer.CreateCommand();
        command.CommandText = "SELECT camera, last, fence FROM streams";
        using var row = command.ExecuteReader();
        var streams = new List<(string, long, long)>();
        while (row.Read())
        {
            streams.Add((row.GetString(0), row.GetInt64(1), row.GetInt64(2)));
        }

        return streams;
    }

    private List<StreamEntry> Query(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var entries = new List<StreamEntry>();
        using var row = command.ExecuteReader();
        while (row.Read())
        {
            var frame = JsonSerializer.Deserialize<DetectionFrame>(row.GetString(1), Json) ?? throw new InvalidDataException("a null frame in the detection history");
            entries.Add(new StreamEntry(row.GetInt64(0).ToString(CultureInfo.InvariantCulture), frame));
        }

        return entries;
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    private static long Parse(string? position) =>
        string.IsNullOrEmpty(position) ? 0
        : long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new FormatException($"'{position}' is not a stream position");

    private sealed class StreamState
    {
        public long Last { get; set; }

        public long Fence { get; set; }
    }
}
