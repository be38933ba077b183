using System.Diagnostics.Metrics;
using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Tests.Silo.Telemetry;

/// <summary>
/// The zone occupancy gauge over a slot's snapshots: a zone's named classes read 0 from the start, a class seen in a zone
/// reads 0 once the zone empties (not "no data"), and a zone removed from the spec or a camera this silo no longer runs
/// is gone at once.
/// </summary>
public sealed class ZoneOccupancyGaugeTests : IDisposable
{
    private readonly PipelineMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public void Occupancy_reads_the_snapshot_with_zeros_for_named_and_seen_classes_and_drops_removed_zones_and_cameras()
    {
        var bay = new ZoneSpec { Name = "bay", Polygon = [new(0, 0), new(1, 0), new(1, 1)], Classes = ["circle"] };
        var all = new ZoneSpec { Name = "all", Polygon = [new(0, 0), new(1, 0), new(1, 1), new(0, 1)] };
        var spec = new CameraSpec { Id = "cam", Url = "demo.mp4", Zones = [bay, all] };
        var slot = new FrameSlot(spec, _ => { });
        var gauge = new ZoneOccupancyGauge(_metrics, () => [slot]);

        // Not running here (yet): nothing.
        Assert.Empty(Read(gauge));

        // From the start: both zones listed empty; only the class the bay names reads 0.
        _metrics.Track("cam");
        Assert.Equal(new Dictionary<(string, string), long> { [("bay", "circle")] = 0 }, Read(gauge));

        slot.SceneCounts = Counts(("bay", "circle", 2), ("all", "circle", 2), ("all", "star", 1));
        Assert.Equal(
            new Dictionary<(string, string), long> { [("bay", "circle")] = 2, [("all", "circle")] = 2, [("all", "star")] = 1 },
            Read(gauge));

        // Everyone left: what was seen reads 0.
        slot.SceneCounts = Counts();
        Assert.Equal(
            new Dictionary<(string, string), long> { [("bay", "circle")] = 0, [("all", "circle")] = 0, [("all", "star")] = 0 },
            Read(gauge));

        // The bay removed from the spec: gone before the worker has replaced the snapshot.
        slot.Spec = spec with { Zones = [all] };
        Assert.Equal(new Dictionary<(string, string), long> { [("all", "circle")] = 0, [("all", "star")] = 0 }, Read(gauge));

        // The camera left the silo: nothing.
        _metrics.Forget("cam");
        Assert.Empty(Read(gauge));
    }

    private static SceneCounts Counts(params (string Zone, string Class, int Count)[] inside)
    {
        var occupancy = new Dictionary<string, IReadOnlyDictionary<string, int>>
        {
            ["bay"] = inside.Where(i => i.Zone == "bay").ToDictionary(i => i.Class, i => i.Count),
            ["all"] = inside.Where(i => i.Zone == "all").ToDictionary(i => i.Class, i => i.Count),
        };
        return new SceneCounts { Occupancy = occupancy };
    }

    private static Dictionary<(string Zone, string Class), long> Read(ZoneOccupancyGauge gauge)
    {
        var result = new Dictionary<(string, string), long>();
        foreach (var m in gauge.Observe())
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in m.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            Assert.Equal("cam", tags["camera"]);
            Assert.True(result.TryAdd(((string)tags["zone"]!, (string)tags["class"]!), m.Value), "one measurement per series");
        }

        return result;
    }
}
