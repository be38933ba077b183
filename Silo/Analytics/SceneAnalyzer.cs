using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Silo.Analytics;

/// <summary>
/// One camera's zones and lines applied to its tracked objects, frame after frame: which zone each object is in
/// (occupancy), and the events — an object entering or leaving a zone (with its dwell time), crossing a line (with its
/// direction). Objects count by the reference point of their box (<see cref="ReferencePoint"/>), and only while on a
/// confirmed track (a <see cref="DetectedObject.TrackId"/>).
/// </summary>
/// <remarks>
/// <para>An object that leaves the picture without being seen to leave a zone — it was hidden, or the tracker dropped
/// it — exits when it has not been seen for <see cref="ForgetAfterFrames"/>, with the time it was last seen: a zone's
/// occupancy does not count ghosts, and every enter gets its exit.</para>
/// <para>A crossing is counted when the reference point is seen on one side of the line and later on the other,
/// passing through the segment itself (not around an end). Frames where the point lies exactly on the line change
/// nothing, so an object standing on it does not count in and out.</para>
/// <para>Storage for <see cref="MaxObjects"/> objects is allocated up front; <see cref="Analyze"/> allocates only the
/// events it reports. Not thread-safe: one instance per camera, fed its frames in order.</para>
/// </remarks>
public sealed class SceneAnalyzer
{
    public const int MaxObjects = 256;

    private readonly string _cameraId;

    // The scene, flattened for the per-frame loop.
    private ZoneSpec[] _zones = [];
    private FramePoint[][] _polygons = [];
    private LineSpec[] _lines = [];

    // Objects by slot; _slotOf maps a track id to its slot.
    private readonly Dictionary<int, int> _slotOf = new(MaxObjects);
    private readonly int[] _trackId = new int[MaxObjects];
    private readonly string[] _label = new string[MaxObjects];
    private readonly DateTimeOffset[] _lastSeenAt = new DateTimeOffset[MaxObjects];
    private readonly long[] _lastSeenFrame = new long[MaxObjects];
    private readonly long[] _seenInFrame = new long[MaxObjects];
    private readonly Stack<int> _free = new(MaxObjects);

    // Crossings per line since the analyzer started: [line * 2] in, [line * 2 + 1] out.
    private long[] _crossings = [];

    // Per object and zone: since when it is inside (MinValue: outside). Per object and line: the side it was last
    // definitely on (0: not yet seen) and where.
    private DateTimeOffset[] _insideSince = [];
    private sbyte[] _side = [];
    private FramePoint[] _sidePoint = [];
    private long _frames;

    /// <param name="cameraId">The camera, named in every event.</param>
    /// <param name="forgetAfterFrames">See <see cref="ForgetAfterFrames"/>.</param>
    public SceneAnalyzer(string cameraId, int forgetAfterFrames)
    {
        ArgumentException.ThrowIfNullOrEmpty(cameraId);
        _cameraId = cameraId;
        ForgetAfterFrames = forgetAfterFrames;
        for (var slot = MaxObjects - 1; slot >= 0; slot--)
        {
            _free.Push(slot);
        }
    }

    /// <summary>
    /// How many analysed frames an object may go unseen before it is taken to have left every zone it was in: the
    /// tracker's lost-track buffer, after which the object could only come back under a new id.
    /// </summary>
    public int ForgetAfterFrames
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    public bool IsEmpty => _zones.Length == 0 && _lines.Length == 0;

    /// <summary>
    /// Takes a new set of zones and lines (an operator's edit). Zones and lines left unchanged keep their state; objects
    /// in a zone that was removed or redrawn leave it without an event (that zone no longer exists to be left), and
    /// enter a redrawn one afresh.
    /// </summary>
    public void Configure(IReadOnlyList<ZoneSpec> zones, IReadOnlyList<LineSpec> lines)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(lines);
        var oldZones = _zones;
        var oldLines = _lines;
        var oldInside = _insideSince;
        var oldSide = _side;
        var oldPoint = _sidePoint;
        var oldCrossings = _crossings;

        _zones = [.. zones];
        _polygons = [.. zones.Select(z => z.Polygon.ToArray())];
        _lines = [.. lines];
        _insideSince = new DateTimeOffset[MaxObjects * _zones.Length];
        Array.Fill(_insideSince, DateTimeOffset.MinValue);
        _side = new sbyte[MaxObjects * _lines.Length];
        _sidePoint = new FramePoint[MaxObjects * _lines.Length];
        _crossings = new long[2 * _lines.Length];
        for (var z = 0; z < _zones.Length; z++)
        {
            var old = Array.FindIndex(oldZones, o => o.SameAs(_zones[z]));
            for (var slot = 0; old >= 0 && slot < MaxObjects; slot++)
            {
                _insideSince[(slot * _zones.Length) + z] = oldInside[(slot * oldZones.Length) + old];
            }
        }

        for (var l = 0; l < _lines.Length; l++)
        {
            var old = Array.FindIndex(oldLines, o => o.SameAs(_lines[l]));
            if (old >= 0)
            {
                _crossings[2 * l] = oldCrossings[2 * old];
                _crossings[(2 * l) + 1] = oldCrossings[(2 * old) + 1];
            }

            for (var slot = 0; old >= 0 && slot < MaxObjects; slot++)
            {
                _side[(slot * _lines.Length) + l] = oldSide[(slot * oldLines.Length) + old];
                _sidePoint[(slot * _lines.Length) + l] = oldPoint[(slot * oldLines.Length) + old];
            }
        }
    }

    /// <summary>
    /// Applies one analysed frame, in order, and adds what happened in it to <paramref name="events"/>: exits of objects
    /// no longer seen first, then per object its zone exits, zone entries and line crossings.
    /// </summary>
    public void Analyze(DetectionFrame frame, List<SceneEvent> events)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(events);
        _frames++;
        if (frame.Width <= 0 || frame.Height <= 0)
        {
            return;
        }

        var detections = frame.Detections;
        for (var i = 0; i < detections.Count; i++)
        {
            var detection = detections[i];
            if (detection.TrackId is not { } trackId || Slot(trackId, detection.Label) is not { } slot)
            {
                continue;
            }

            _lastSeenAt[slot] = frame.Timestamp;
            _lastSeenFrame[slot] = frame.FrameIndex;
            _seenInFrame[slot] = _frames;
            UpdateZones(slot, detection, frame, events);
            UpdateLines(slot, detection, frame, events);
        }

        ForgetUnseen(frame, events);
    }

    /// <summary>Occupancy and line counts now, as the camera's status shows them.</summary>
    public SceneCounts Counts()
    {
        var lines = new Dictionary<string, LineCount>(StringComparer.Ordinal);
        for (var l = 0; l < _lines.Length; l++)
        {
            lines[_lines[l].Name] = new LineCount(_crossings[2 * l], _crossings[(2 * l) + 1]);
        }

        return new SceneCounts { Occupancy = Occupancy(), Lines = lines };
    }

    /// <summary>How many objects are in each zone now, by zone name and class; every zone listed, empty or not.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Occupancy()
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        for (var z = 0; z < _zones.Length; z++)
        {
            var byClass = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var slot in _slotOf.Values)
            {
                if (_insideSince[(slot * _zones.Length) + z] != DateTimeOffset.MinValue)
                {
                    byClass[_label[slot]] = byClass.GetValueOrDefault(_label[slot]) + 1;
                }
            }

            result[_zones[z].Name] = byClass;
        }

        return result;
    }

    private void UpdateZones(int slot, DetectedObject detection, DetectionFrame frame, List<SceneEvent> events)
    {
        for (var z = 0; z < _zones.Length; z++)
        {
            var zone = _zones[z];
            ref var since = ref _insideSince[(slot * _zones.Length) + z];
            var counts = ClassList.Keeps(zone.Classes, detection.Label);
            var inside = counts && PlaneGeometry.Contains(_polygons[z], Anchor(detection.Box, zone.Point, frame));
            var wasInside = since != DateTimeOffset.MinValue;
            if (inside && !wasInside)
            {
                since = frame.Timestamp;
                events.Add(Event(SceneEvent.ZoneEnter, zone.Name, slot, frame.Timestamp, frame.Epoch, frame.FrameIndex));
            }
            else if (!inside && wasInside)
            {
                events.Add(Event(SceneEvent.ZoneExit, zone.Name, slot, frame.Timestamp, frame.Epoch, frame.FrameIndex) with
                {
                    DwellSeconds = (frame.Timestamp - since).TotalSeconds,
                });
                since = DateTimeOffset.MinValue;
            }
        }
    }

    private void UpdateLines(int slot, DetectedObject detection, DetectionFrame frame, List<SceneEvent> events)
    {
        for (var l = 0; l < _lines.Length; l++)
        {
            var line = _lines[l];
            if (!ClassList.Keeps(line.Classes, detection.Label))
            {
                continue;
            }

            var point = Anchor(detection.Box, line.Point, frame);
            var side = (sbyte)PlaneGeometry.Side(line.From, line.To, point);
            if (side == 0)
            {
                continue;
            }

            var index = (slot * _lines.Length) + l;
            var before = _side[index];
            if (before != 0 && before != side
                && PlaneGeometry.Crossing(line.From, line.To, _sidePoint[index], point) is var direction and not 0)
            {
                _crossings[(2 * l) + (direction > 0 ? 0 : 1)]++;
                events.Add(Event(SceneEvent.LineCross, line.Name, slot, frame.Timestamp, frame.Epoch, frame.FrameIndex) with
                {
                    Direction = direction > 0 ? "in" : "out",
                });
            }

            _side[index] = side;
            _sidePoint[index] = point;
        }
    }

    // Objects unseen for more than ForgetAfterFrames leave their zones, as of when they were last seen, and free their slot.
    private void ForgetUnseen(DetectionFrame frame, List<SceneEvent> events)
    {
        if (_slotOf.Count == 0)
        {
            return;
        }

        foreach (var (trackId, slot) in _slotOf)
        {
            if (_frames - _seenInFrame[slot] <= ForgetAfterFrames)
            {
                continue;
            }

            for (var z = 0; z < _zones.Length; z++)
            {
                ref var since = ref _insideSince[(slot * _zones.Length) + z];
                if (since != DateTimeOffset.MinValue)
                {
                    events.Add(Event(SceneEvent.ZoneExit, _zones[z].Name, slot, _lastSeenAt[slot], frame.Epoch, _lastSeenFrame[slot]) with
                    {
                        DwellSeconds = (_lastSeenAt[slot] - since).TotalSeconds,
                    });
                    since = DateTimeOffset.MinValue;
                }
            }

            _side.AsSpan(slot * _lines.Length, _lines.Length).Clear();
            _slotOf.Remove(trackId);
            _free.Push(slot);
        }
    }

    // The object's slot, taken on its first sighting; null when every slot is in use (it is then not counted).
    private int? Slot(int trackId, string label)
    {
        if (_slotOf.TryGetValue(trackId, out var slot))
        {
            return slot;
        }

        if (!_free.TryPop(out slot))
        {
            return null;
        }

        _slotOf[trackId] = slot;
        _trackId[slot] = trackId;
        _label[slot] = label;
        return slot;
    }

    private SceneEvent Event(string type, string name, int slot, DateTimeOffset at, long epoch, long frameIndex) => new()
    {
        Type = type,
        CameraId = _cameraId,
        Name = name,
        TrackId = _trackId[slot],
        Label = _label[slot],
        At = at,
        Epoch = epoch,
        FrameIndex = frameIndex,
    };

    private static FramePoint Anchor(BoundingBox box, ReferencePoint point, DetectionFrame frame)
    {
        var x = (box.X1 + box.X2) / 2 / frame.Width;
        var y = point switch
        {
            ReferencePoint.TopCenter => box.Y1,
            ReferencePoint.Center => (box.Y1 + box.Y2) / 2,
            _ => box.Y2,
        } / frame.Height;
        return new FramePoint(x, y);
    }
}
