using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Gateway.History;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// GET /api/stats?groupBy=line|zone counts the scene events stored in frames (<see cref="SceneStatsBuilder"/>), on
/// scripted frames: per camera and name, per bucket, by direction or entry/exit, per class, with the exits' mean dwell.
/// (Through the API, on a real camera: SceneEventsApiTests.)
/// </summary>
public sealed class HistorySceneStatsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static SceneEvent Event(string type, string camera, string name, string label, string? direction = null, double? dwell = null) => new()
    {
        Type = type, CameraId = camera, Name = name, Label = label, TrackId = 1, Direction = direction, DwellSeconds = dwell,
    };

    private static DetectionFrame Frame(string camera, params SceneEvent[] events) => new()
    {
        CameraId = camera, Timestamp = Start, Width = 100, Height = 100, Model = "m", Detections = [], Events = events.Length == 0 ? null : events,
    };

    private static readonly DetectionFrame[] Bucket0 =
    [
        Frame("a", Event(SceneEvent.LineCross, "a", "door", "circle", "in"), Event(SceneEvent.ZoneEnter, "a", "bay", "circle")),
        Frame("a", Event(SceneEvent.LineCross, "a", "door", "square", "in"), Event(SceneEvent.LineCross, "a", "door", "circle", "out")),
        Frame("a"),
    ];

    private static readonly DetectionFrame[] Bucket1 =
    [
        Frame("a", Event(SceneEvent.ZoneExit, "a", "bay", "circle", dwell: 2), Event(SceneEvent.ZoneExit, "a", "bay", "square", dwell: 5)),
        Frame("b", Event(SceneEvent.LineCross, "b", "door", "circle", "out"), Event(SceneEvent.ZoneEnter, "b", "bay", "square")),
    ];

    private static SceneStatsBuilder Fill(string groupBy)
    {
        var builder = new SceneStatsBuilder(groupBy, 3);
        foreach (var f in Bucket0)
        {
            builder.Add(f.CameraId!, f, 0);
        }

        foreach (var f in Bucket1)
        {
            builder.Add(f.CameraId!, f, 1);
        }

        return builder;
    }

    [Fact]
    public void Lines_count_crossings_by_direction_per_camera_and_line_per_bucket_and_class()
    {
        var stats = Fill("line").Lines(Start, Start.AddMinutes(3), TimeSpan.FromMinutes(1), ["a", "b"]);
        Assert.Equal("line", stats.GroupBy);
        Assert.Equal([3L, 2L, 0L], stats.Buckets.Select(b => b.Frames));
        Assert.Equal([Start, Start.AddMinutes(1), Start.AddMinutes(2)], stats.Buckets.Select(b => b.Start));

        var door = stats.Buckets[0].Counts["a/door"];
        Assert.Equal((2L, 1L), (door.In, door.Out));
        Assert.Equal((1L, 1L), (door.Classes!["circle"].In, door.Classes["circle"].Out));
        Assert.Equal((1L, 0L), (door.Classes["square"].In, door.Classes["square"].Out));
        Assert.Null(door.Classes["circle"].Classes);

        // Names are per camera: b's door is its own; zone events are not lines; an empty bucket has no keys.
        Assert.Equal(["b/door"], stats.Buckets[1].Counts.Keys);
        Assert.Equal((0L, 1L), (stats.Buckets[1].Counts["b/door"].In, stats.Buckets[1].Counts["b/door"].Out));
        Assert.Empty(stats.Buckets[2].Counts);
        Assert.Equal(["a/door", "b/door"], stats.Totals.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((2L, 1L), (stats.Totals["a/door"].In, stats.Totals["a/door"].Out));
    }

    [Fact]
    public void Zones_count_entries_and_exits_and_the_exits_mean_dwell()
    {
        var stats = Fill("zone").Zones(Start, Start.AddMinutes(3), TimeSpan.FromMinutes(1), ["a", "b"]);
        Assert.Equal("zone", stats.GroupBy);
        var entered = stats.Buckets[0].Counts["a/bay"];
        Assert.Equal((1L, 0L, (double?)null), (entered.Enter, entered.Exit, entered.MeanDwellSeconds));
        var left = stats.Buckets[1].Counts["a/bay"];
        Assert.Equal((0L, 2L, (double?)3.5), (left.Enter, left.Exit, left.MeanDwellSeconds));
        Assert.Equal(5, left.Classes!["square"].MeanDwellSeconds);
        Assert.Equal(1, stats.Buckets[1].Counts["b/bay"].Enter);
        Assert.DoesNotContain(stats.Buckets.SelectMany(b => b.Counts.Keys), k => k.EndsWith("/door", StringComparison.Ordinal));

        var total = stats.Totals["a/bay"];
        Assert.Equal((1L, 2L, (double?)3.5), (total.Enter, total.Exit, total.MeanDwellSeconds));
        Assert.Equal((1L, 1L, (double?)2), (total.Classes!["circle"].Enter, total.Classes["circle"].Exit, total.Classes["circle"].MeanDwellSeconds));
    }

    [Fact]
    public void Only_zone_and_line_are_scene_groupings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SceneStatsBuilder("class", 1));
    }
}
