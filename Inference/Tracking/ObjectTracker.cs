using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Inference.Tracking;

/// <summary>
/// A multi-object tracker for one camera, in the manner of ByteTrack: every track's box is predicted by a
/// constant-velocity Kalman filter (<see cref="BoxKalmanFilter"/>), then
/// <list type="number">
/// <item>confirmed and lost tracks take high-score detections (≥ <see cref="TrackerOptions.HighScore"/>), paired by
/// minimum total cost 1 − IoU·score (<see cref="LinearAssignment"/>);</item>
/// <item>confirmed tracks left over take low-score detections (≥ <see cref="TrackerOptions.LowScore"/>) by 1 − IoU:
/// this is what keeps an object that is half hidden, and scored low for it, on its track; those still unmatched
/// become lost. Unlike ByteTrack, lost tracks take part too (<see cref="TrackerOptions.LostTakeLowScores"/>);</item>
/// <item>tentative tracks take the high detections left; a tentative track is confirmed after
/// <see cref="TrackerOptions.ConfirmHits"/> consecutive matches (every track on the tracker's first frame) and gets
/// its id then, and dies when it misses a frame;</item>
/// <item>high detections still unmatched that score ≥ <see cref="TrackerOptions.NewTrackScore"/> start tentative
/// tracks; lost tracks unmatched for more than <see cref="TrackerOptions.LostFrames"/> frames are removed.</item>
/// </list>
/// IoU is taken between boxes widened by <see cref="TrackerOptions.BoxBuffer"/>. A track only ever takes detections of
/// its own class. Ids start at 1 and are never reused by one tracker.
/// </summary>
/// <remarks>
/// All storage is allocated by the constructor and reused: <see cref="Update"/> allocates nothing. Capacity is fixed:
/// at most <c>maxTracks</c> live tracks (a new object beyond that is not tracked until a slot frees) and the
/// <c>maxDetections</c> highest-scoring detections of a frame. Not thread-safe: one instance per camera, updated by
/// whoever produces that camera's frames in order.
/// </remarks>
public sealed class ObjectTracker
{
    private const int S = BoxKalmanFilter.StateSize;
    private const int C = BoxKalmanFilter.CovarianceSize;

    private TrackerOptions _options;
    private int _lostFrames;
    private double _fps;
    private readonly int _maxDetections;
    private readonly LinearAssignment _assignment = new();

    // Tracks, by slot.
    private readonly TrackState[] _state;
    private readonly int[] _id;
    private readonly int[] _class;
    private readonly int[] _hits;
    private readonly long[] _lastSeen;
    private readonly double[] _mean;
    private readonly double[] _covariance;

    // Per-frame scratch.
    private readonly int[] _high;
    private readonly int[] _low;
    private readonly int[] _pool;
    private readonly int[] _pool2;
    private readonly int[] _remaining;
    private readonly bool[] _detectionUsed;
    private readonly bool[] _trackMatched;
    private readonly double[] _cost;
    private readonly int[] _rowToColumn;

    private long _frame;
    private int _nextId = 1;

    /// <param name="options">Thresholds (validated: an invalid one throws <see cref="ArgumentException"/> naming it).</param>
    /// <param name="fps">Analysed frames per second of the camera, which scales the lost-track buffer.</param>
    /// <param name="maxTracks">Most tracks alive at once.</param>
    /// <param name="maxDetections">Most detections of a frame considered (the highest-scoring ones).</param>
    public ObjectTracker(TrackerOptions? options = null, double fps = 30, int maxTracks = 256, int maxDetections = 512)
    {
        _options = options ?? TrackerOptions.Default;
        if (_options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTracks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDetections);
        _fps = fps;
        _lostFrames = _options.LostFrames(fps);
        _maxDetections = maxDetections;
        _state = new TrackState[maxTracks];
        _id = new int[maxTracks];
        _class = new int[maxTracks];
        _hits = new int[maxTracks];
        _lastSeen = new long[maxTracks];
        _mean = new double[maxTracks * S];
        _covariance = new double[maxTracks * C];
        _high = new int[maxDetections];
        _low = new int[maxDetections];
        _remaining = new int[maxDetections];
        _pool = new int[maxTracks];
        _pool2 = new int[maxTracks];
        _detectionUsed = new bool[maxDetections];
        _trackMatched = new bool[maxTracks];
        _cost = new double[maxTracks * maxDetections];
        _rowToColumn = new int[Math.Max(maxTracks, maxDetections)];
    }

    /// <summary>Analysed frames per second; setting it (a camera's rate was edited) rescales the lost-track buffer.</summary>
    public double Fps
    {
        get => _fps;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _fps = value;
            _lostFrames = _options.LostFrames(value);
        }
    }

    /// <summary>
    /// The thresholds; setting them (a camera's tracker settings were edited) applies them from the next frame on and
    /// keeps every track and its id, so an edit neither ends the objects' tracks nor gives an id a second meaning.
    /// An invalid value throws <see cref="ArgumentException"/> naming it, and the tracker keeps its settings.
    /// </summary>
    public TrackerOptions Options
    {
        get => _options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Validate() is { } error)
            {
                throw new ArgumentException(error, nameof(value));
            }

            _options = value;
            _lostFrames = value.LostFrames(_fps);
        }
    }

    /// <summary>Lost tracks are kept this many frames after their last match.</summary>
    public int LostFrames => _lostFrames;

    /// <summary>Frames seen so far.</summary>
    public long Frame => _frame;

    /// <summary>Tracks in <paramref name="state"/> now.</summary>
    public int Count(TrackState state)
    {
        var n = 0;
        foreach (var s in _state)
        {
            n += s == state ? 1 : 0;
        }

        return n;
    }

    /// <summary>
    /// Takes the next frame's detections (highest score first, as the detector returns them) and writes each one's
    /// track id into <paramref name="trackIds"/>: the id of the confirmed track it belongs to, or 0 when it belongs
    /// to none (a tentative track, a score under the low threshold, a detection beyond capacity).
    /// </summary>
    public void Update(ReadOnlySpan<Detection> detections, Span<int> trackIds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trackIds.Length, detections.Length, nameof(trackIds));
        _frame++;
        trackIds[..detections.Length].Clear();
        var count = Math.Min(detections.Length, _maxDetections);
        var highCount = 0;
        var lowCount = 0;
        for (var d = 0; d < count; d++)
        {
            _detectionUsed[d] = false;
            var score = detections[d].Score;
            if (score >= _options.HighScore)
            {
                _high[highCount++] = d;
            }
            else if (score >= _options.LowScore)
            {
                _low[lowCount++] = d;
            }
        }

        // Predict every live track. A track that is not being followed keeps its motion but not its growth, as in
        // ByteTrack, so a lost box does not balloon while it waits.
        var poolCount = 0;
        for (var t = 0; t < _state.Length; t++)
        {
            _trackMatched[t] = false;
            if (_state[t] == TrackState.Removed)
            {
                continue;
            }

            if (_state[t] != TrackState.Confirmed)
            {
                _mean[(t * S) + 7] = 0;
            }

            BoxKalmanFilter.Predict(_mean.AsSpan(t * S, S), _covariance.AsSpan(t * C, C));
            if (_state[t] is TrackState.Confirmed or TrackState.Lost)
            {
                _pool[poolCount++] = t;
            }
        }

        // 1. Confirmed and lost tracks ← high detections.
        Associate(_pool.AsSpan(0, poolCount), _high.AsSpan(0, highCount), detections, fuseScore: true, _options.MatchCost, trackIds);

        // 2. Confirmed (and, unless switched off, lost) tracks still unmatched ← low detections; confirmed ones left
        // over become lost.
        var pool2Count = 0;
        foreach (var t in _pool.AsSpan(0, poolCount))
        {
            if (!_trackMatched[t] && (_state[t] == TrackState.Confirmed || (_options.LostTakeLowScores && _state[t] == TrackState.Lost)))
            {
                _pool2[pool2Count++] = t;
            }
        }

        Associate(_pool2.AsSpan(0, pool2Count), _low.AsSpan(0, lowCount), detections, fuseScore: false, _options.LowMatchCost, trackIds);
        foreach (var t in _pool2.AsSpan(0, pool2Count))
        {
            if (!_trackMatched[t] && _state[t] == TrackState.Confirmed)
            {
                _state[t] = TrackState.Lost;
            }
        }

        // 3. Tentative tracks ← high detections left over; a tentative track that misses is dropped.
        var tentativeCount = 0;
        for (var t = 0; t < _state.Length; t++)
        {
            if (_state[t] == TrackState.Tentative)
            {
                _pool[tentativeCount++] = t;
            }
        }

        var remainingCount = 0;
        foreach (var d in _high.AsSpan(0, highCount))
        {
            if (!_detectionUsed[d])
            {
                _remaining[remainingCount++] = d;
            }
        }

        Associate(_pool.AsSpan(0, tentativeCount), _remaining.AsSpan(0, remainingCount), detections, fuseScore: true, _options.TentativeMatchCost, trackIds);
        foreach (var t in _pool.AsSpan(0, tentativeCount))
        {
            if (!_trackMatched[t])
            {
                _state[t] = TrackState.Removed;
            }
        }

        // 4. New tentative tracks from confident detections nobody took.
        foreach (var d in _high.AsSpan(0, highCount))
        {
            if (_detectionUsed[d] || detections[d].Score < _options.NewTrackScore)
            {
                continue;
            }

            var t = FreeSlot();
            if (t < 0)
            {
                break; // at capacity: the object is picked up once a slot frees
            }

            var det = detections[d];
            Measure(det, out var cx, out var cy, out var aspect, out var height);
            BoxKalmanFilter.Initiate(cx, cy, aspect, height, _mean.AsSpan(t * S, S), _covariance.AsSpan(t * C, C));
            _state[t] = TrackState.Tentative;
            _class[t] = det.ClassId;
            _hits[t] = 1;
            _lastSeen[t] = _frame;
            _id[t] = 0;
            _detectionUsed[d] = true;
            if (_frame == 1 || _options.ConfirmHits <= 1)
            {
                Confirm(t);
                trackIds[d] = _id[t];
            }
        }

        // 5. Lost tracks past the buffer are removed.
        for (var t = 0; t < _state.Length; t++)
        {
            if (_state[t] == TrackState.Lost && _frame - _lastSeen[t] > _lostFrames)
            {
                _state[t] = TrackState.Removed;
            }
        }
    }

    /// <summary>Forgets every track (ids continue from where they were, so an id never means two objects).</summary>
    public void Clear()
    {
        Array.Clear(_state);
        _frame = 0;
    }

    private void Associate(
        ReadOnlySpan<int> tracks, ReadOnlySpan<int> candidates, ReadOnlySpan<Detection> detections, bool fuseScore, float maxCost, Span<int> trackIds)
    {
        var rows = tracks.Length;
        var cols = candidates.Length;
        if (rows == 0 || cols == 0)
        {
            return;
        }

        var cost = _cost.AsSpan(0, rows * cols);
        for (var r = 0; r < rows; r++)
        {
            var t = tracks[r];
            var m = _mean.AsSpan(t * S, S);
            var b = 0.5 + _options.BoxBuffer;
            var w = m[2] * m[3];
            var tx1 = (float)(m[0] - (w * b));
            var ty1 = (float)(m[1] - (m[3] * b));
            var tx2 = (float)(m[0] + (w * b));
            var ty2 = (float)(m[1] + (m[3] * b));
            for (var c = 0; c < cols; c++)
            {
                var det = detections[candidates[c]];
                var value = LinearAssignment.Forbidden;
                if (det.ClassId == _class[t])
                {
                    var bx = (det.X2 - det.X1) * _options.BoxBuffer;
                    var by = (det.Y2 - det.Y1) * _options.BoxBuffer;
                    var iou = BoxMath.IoU(tx1, ty1, tx2, ty2, det.X1 - bx, det.Y1 - by, det.X2 + bx, det.Y2 + by);
                    var pairCost = 1.0 - (fuseScore ? iou * det.Score : iou);
                    if (iou > 0 && pairCost <= maxCost)
                    {
                        value = pairCost;
                    }
                }

                cost[(r * cols) + c] = value;
            }
        }

        _assignment.Solve(cost, rows, cols, _rowToColumn);
        for (var r = 0; r < rows; r++)
        {
            var c = _rowToColumn[r];
            if (c < 0)
            {
                continue;
            }

            var t = tracks[r];
            var d = candidates[c];
            var det = detections[d];
            Measure(det, out var cx, out var cy, out var aspect, out var height);
            BoxKalmanFilter.Update(_mean.AsSpan(t * S, S), _covariance.AsSpan(t * C, C), cx, cy, aspect, height);
            _trackMatched[t] = true;
            _detectionUsed[d] = true;
            _lastSeen[t] = _frame;
            if (_state[t] == TrackState.Tentative)
            {
                if (++_hits[t] >= _options.ConfirmHits)
                {
                    Confirm(t);
                }
            }
            else
            {
                _state[t] = TrackState.Confirmed; // a lost track found again keeps its id
            }

            if (_state[t] == TrackState.Confirmed)
            {
                trackIds[d] = _id[t];
            }
        }
    }

    private void Confirm(int t)
    {
        _state[t] = TrackState.Confirmed;
        _id[t] = _nextId;
        _nextId = _nextId == int.MaxValue ? 1 : _nextId + 1;
    }

    private int FreeSlot()
    {
        for (var t = 0; t < _state.Length; t++)
        {
            if (_state[t] == TrackState.Removed)
            {
                return t;
            }
        }

        return -1;
    }

    private static void Measure(in Detection d, out double cx, out double cy, out double aspect, out double height)
    {
        var w = Math.Max(d.X2 - d.X1, 1e-3);
        height = Math.Max(d.Y2 - d.Y1, 1e-3);
        cx = (d.X1 + d.X2) / 2.0;
        cy = (d.Y1 + d.Y2) / 2.0;
        aspect = w / height;
    }
}
