using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Analytics;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Analytics;

/// <summary>Scripted scenes on a 1000×1000 frame at 5 fps: objects walking through zones and across lines.</summary>
public sealed class SceneAnalyzerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    // The bottom-left quarter of the picture.
    private static readonly ZoneSpec Bay = new()
    {
        Name = "bay", Polygon = [new(0, 0.5), new(0.5, 0.5), new(0.5, 1), new(0, 1)],
    };

    // Across the middle, drawn left to right: downward is in.
    private static readonly LineSpec Middle = new() { Name = "middle", From = new(0.1, 0.5), To = new(0.9, 0.5) };

    [Fact]
    public void Walking_into_a_zone_and_out_again_is_an_enter_then_an_exit_with_the_dwell_time()
    {
        var scene = Scene([Bay], []);
        var events = new List<SceneEvent>();
        // Track 7's feet (bottom centre) at y = 0.45, 0.55 … 0.75, then back up to 0.45.
        double[] feet = [0.45, 0.55, 0.65, 0.75, 0.65, 0.55, 0.45];
        for (var i = 0; i < feet.Length; i++)
        {
            scene.Analyze(Frame(i, Object(7, "a", 0.25, feet[i])), events);
        }

        Assert.Equal([SceneEvent.ZoneEnter, SceneEvent.ZoneExit], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(("cam", "bay", 7, "a"), (e.CameraId, e.Name, e.TrackId, e.Label)));
        Assert.Equal(1, events[0].FrameIndex);
        Assert.Equal(6, events[1].FrameIndex);
        Assert.Equal(1.0, events[1].DwellSeconds!.Value, 6); // frames 1 to 6 at 5 fps
    }

    [Fact]
    public void Crossing_a_line_counts_its_direction_once_per_crossing()
    {
        var scene = Scene([], [Middle]);
        var events = new List<SceneEvent>();
        // Down across the line (in), standing exactly on it for two frames on the way back (no count), then up (out).
        double[] feet = [0.4, 0.45, 0.55, 0.6, 0.5, 0.5, 0.45, 0.4];
        for (var i = 0; i < feet.Length; i++)
        {
            scene.Analyze(Frame(i, Object(3, "a", 0.5, feet[i])), events);
        }

        Assert.Equal(["in", "out"], events.Select(e => e.Direction));
        Assert.Equal(new LineCount(1, 1), scene.Counts().Lines["middle"]);
        Assert.Equal([2, 6], events.Select(e => e.FrameIndex));
        Assert.All(events, e => Assert.Equal(SceneEvent.LineCross, e.Type));
    }

    [Fact]
    public void Passing_beyond_the_end_of_a_line_is_no_crossing()
    {
        var scene = Scene([], [Middle]);
        var events = new List<SceneEvent>();
        scene.Analyze(Frame(0, Object(3, "a", 0.95, 0.4)), events);
        scene.Analyze(Frame(1, Object(3, "a", 0.95, 0.6)), events);
        Assert.Empty(events);
    }

    [Fact]
    public void An_object_lost_inside_a_zone_leaves_it_as_of_when_it_was_last_seen()
    {
        var scene = Scene([Bay], [], forgetAfterFrames: 9);
        var events = new List<SceneEvent>();
        scene.Analyze(Frame(0, Object(5, "a", 0.25, 0.8)), events);
        scene.Analyze(Frame(1, Object(5, "a", 0.25, 0.8)), events);
        Assert.Equal(1, scene.Occupancy()["bay"]["a"]);

        // Unseen from frame 2: still counted for 9 frames while it may be hidden, gone on the 10th.
        for (var i = 2; i <= 10; i++)
        {
            scene.Analyze(Frame(i), events);
        }

        Assert.Single(events, e => e.Type == SceneEvent.ZoneEnter);
        Assert.Equal(1, scene.Occupancy()["bay"]["a"]);
        scene.Analyze(Frame(11), events);
        var exit = Assert.Single(events, e => e.Type == SceneEvent.ZoneExit);
        Assert.Equal(1, exit.FrameIndex);
        Assert.Equal(Start.AddSeconds(0.2), exit.At);
        Assert.Equal(0.2, exit.DwellSeconds!.Value, 6);
        Assert.Empty(scene.Occupancy()["bay"]);
    }

    [Fact]
    public void Zone_classes_untracked_objects_and_the_reference_point_decide_who_counts()
    {
        var circlesOnly = Bay with { Name = "circles", Classes = ["circle"] };
        var byCentre = Bay with { Name = "centre", Point = ReferencePoint.Center };
        var scene = Scene([circlesOnly, byCentre], []);
        var events = new List<SceneEvent>();
        // Feet at 0.55 (inside), centre at 0.45 (outside): a 0.2-high box.
        scene.Analyze(Frame(0, Object(1, "circle", 0.25, 0.55), Object(2, "square", 0.25, 0.55), Object(null, "circle", 0.3, 0.9)), events);

        var enter = Assert.Single(events);
        Assert.Equal(("circles", 1), (enter.Name, enter.TrackId));
        var occupancy = scene.Occupancy();
        Assert.Equal(1, occupancy["circles"]["circle"]);
        Assert.Empty(occupancy["centre"]);
    }

    [Fact]
    public void Reconfiguring_keeps_unchanged_zones_and_starts_redrawn_ones_afresh()
    {
        var scene = Scene([Bay, Bay with { Name = "other" }], []);
        var events = new List<SceneEvent>();
        scene.Analyze(Frame(0, Object(1, "a", 0.25, 0.8)), events);
        Assert.Equal(2, events.Count);

        events.Clear();
        scene.Configure([Bay, Bay with { Name = "other", Polygon = [new(0, 0.6), new(0.6, 0.6), new(0.6, 1), new(0, 1)] }], []);
        scene.Analyze(Frame(1, Object(1, "a", 0.25, 0.8)), events);
        var enter = Assert.Single(events);
        Assert.Equal(("other", SceneEvent.ZoneEnter), (enter.Name, enter.Type));
    }

    [Fact]
    public void A_frame_without_events_allocates_nothing()
    {
        var scene = Scene([Bay, Bay with { Name = "other" }], [Middle]);
        var events = new List<SceneEvent>(16);
        var frame = Frame(0, Object(1, "a", 0.25, 0.8), Object(2, "b", 0.7, 0.3), Object(3, "a", 0.75, 0.7));
        scene.Analyze(frame, events);
        events.Clear();
        Assert.Equal(0, Allocations.SteadyState(() => scene.Analyze(frame, events), calls: 100));
        Assert.Empty(events);
    }

    private static SceneAnalyzer Scene(ZoneSpec[] zones, LineSpec[] lines, int forgetAfterFrames = 10)
    {
        var scene = new SceneAnalyzer("cam", forgetAfterFrames);
        scene.Configure(zones, lines);
        return scene;
    }

    private static DetectionFrame Frame(long index, params DetectedObject[] objects) => new()
    {
        CameraId = "cam",
        FrameIndex = index,
        Timestamp = Start.AddSeconds(index / 5.0),
        Width = 1000,
        Height = 1000,
        Model = "test",
        Epoch = 4,
        Detections = objects,
    };

    // A 0.1 × 0.2 box whose bottom centre is at (x, feet), in frame units.
    private static DetectedObject Object(int? track, string label, double x, double feet) =>
        new(1, label, 0.9f, new BoundingBox((float)((x - 0.05) * 1000), (float)((feet - 0.2) * 1000), (float)((x + 0.05) * 1000), (float)(feet * 1000)), track);
}
