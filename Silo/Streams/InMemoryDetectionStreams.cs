using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Silo.Streams;

/// <summary>
/// Detection streams held in this process: per camera a ring of the last
/// <see cref="StreamOptions.HistoryPerCamera"/> frames, positions being a per-camera sequence number
/// (decimal text, starting at 1). Single-process mode only; a cluster uses the Redis implementation.
/// </summary>
public sealed class InMemoryDetectionStreams(IOptions<StreamOptions> options) : IDetectionStreams
{
    private readonly int _capacity = options.Value.HistoryPerCamera;
    private readonly ConcurrentDictionary<string, CameraStream> _streams = new(StringComparer.Ordinal);

    public Task<StreamAppend?> AppendAsync(DetectionFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var id = frame.CameraId ?? throw new ArgumentException("a published frame needs a camera id", nameof(frame));
        return Task.FromResult(_streams.GetOrAdd(id, _ => new CameraStream(_capacity)).Append(frame));
    }

    public Task FenceAsync(string cameraId, long epoch, CancellationToken cancellationToken = default)
    {
        _streams.GetOrAdd(cameraId, _ => new CameraStream(_capacity)).Fence(epoch);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StreamEntry>> ReadAsync(string cameraId, string? after, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult(_streams.TryGetValue(cameraId, out var s) ? s.Read(Parse(after), max) : (IReadOnlyList<StreamEntry>)[]);

    public Task<RetentionGap?> GapAfterAsync(string cameraId, string after, CancellationToken cancellationToken = default) =>
        Task.FromResult(_streams.TryGetValue(cameraId, out var s) ? s.GapAfter(Parse(after)) : null);

    public Task<IReadOnlyList<StreamEntry>> RangeAsync(string cameraId, DateTimeOffset since, DateTimeOffset until, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult(_streams.TryGetValue(cameraId, out var s) ? s.Range(since, until, max) : (IReadOnlyList<StreamEntry>)[]);

    public Task<long?> CountAfterAsync(string cameraId, string after, CancellationToken cancellationToken = default) =>
        Task.FromResult<long?>(_streams.TryGetValue(cameraId, out var s) ? s.CountAfter(Parse(after)) : 0);

    public Task<StreamEntry?> LatestAsync(string cameraId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_streams.TryGetValue(cameraId, out var s) ? s.Latest() : null);


    public Task<IReadOnlyList<string>> CamerasAsync(CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        foreach (var (id, stream) in _streams)
        {
            if (stream.Latest() is not null)
            {
                ids.Add(id);
            }
        }

        ids.Sort(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(ids);
    }

    public Task DeleteAsync(string cameraId, CancellationToken cancellationToken = default)
    {
        _streams.TryRemove(cameraId, out _);
        return Task.CompletedTask;
    }

    public int ComparePositions(string? a, string? b) => Parse(a).CompareTo(Parse(b));

    private static long Parse(string? position) =>
        string.IsNullOrEmpty(position) ? 0
        : long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new FormatException($"'{position}' is not a stream position");

    private sealed class CameraStream(int capacity)
    {
        private readonly Lock _gate = new();
        private readonly StreamEntry[] _ring = new StreamEntry[capacity];
        private long _last;   // sequence number of the newest entry (0 = none)
        private long _epoch;

        public StreamAppend? Append(DetectionFrame frame)
        {
            StreamAppend appended;
            lock (_gate)
            {
                if (frame.Epoch < _epoch)
                {
                    return null; // fenced: produced by an activation of the camera that has since been superseded
                }

                _epoch = frame.Epoch;
                var previous = _last == 0 ? null : _last.ToString(CultureInfo.InvariantCulture);
                _last++;
                appended = new StreamAppend(_last.ToString(CultureInfo.InvariantCulture), previous);
                _ring[_last % _ring.Length] = new StreamEntry(appended.Position, frame);
            }

            return appended;
        }

        public void Fence(long epoch)
        {
            lock (_gate)
            {
                _epoch = Math.Max(_epoch, epoch);
            }
        }

        public IReadOnlyList<StreamEntry> Read(long after, int max)
        {
            lock (_gate)
            {
                var first = Math.Max(after + 1, Oldest());
                var count = (int)Math.Clamp(_last - first + 1, 0, Math.Max(0, max));
                var result = new StreamEntry[count];
                for (var i = 0; i < count; i++)
                {
                    result[i] = _ring[(first + i) % _ring.Length];
                }

                return result;
            }
        }

        public RetentionGap? GapAfter(long after)
        {
            lock (_gate)
            {
                var oldest = Oldest();
                if (_last == 0 || after + 1 >= oldest)
                {
                    return null;
                }

                return new RetentionGap(oldest - after - 1, (after + 1).ToString(CultureInfo.InvariantCulture), oldest.ToString(CultureInfo.InvariantCulture));
            }
        }

        public IReadOnlyList<StreamEntry> Range(DateTimeOffset since, DateTimeOffset until, int max)
        {
            lock (_gate)
            {
                var result = new List<StreamEntry>();
                for (var seq = Oldest(); seq <= _last && result.Count < max; seq++)
                {
                    var entry = _ring[seq % _ring.Length];
                    if (entry.Frame.Timestamp >= since && entry.Frame.Timestamp <= until)
                    {
                        result.Add(entry);
                    }
                }

                return result;
            }
        }

        public long CountAfter(long after)
        {
            lock (_gate)
            {
                return Math.Max(0, _last - Math.Max(after, Oldest() - 1));
            }
        }

        public StreamEntry? Latest()
        {
            lock (_gate)
            {
                return _last == 0 ? null : _ring[_last % _ring.Length];
            }
        }

        private long Oldest() => Math.Max(1, _last - _ring.Length + 1);
    }
}
