using VideoAnalytics.Silo.Placement;

namespace VideoAnalytics.Tests.Silo.Cluster;

public sealed class RendezvousPlacementTests
{
    private static readonly string[] Cameras = [.. Enumerable.Range(0, 1000).Select(i => $"cam-{i}")];

    private static Dictionary<string, string> Place(params SiloMember[] silos) =>
        Cameras.ToDictionary(c => c, c => RendezvousPlacement.Owner(c, silos)!);

    [Fact]
    public void Adding_a_fourth_silo_moves_about_a_quarter_of_the_cameras_all_to_it()
    {
        var before = Place(new("a", 1), new("b", 1), new("c", 1));
        var after = Place(new("a", 1), new("b", 1), new("c", 1), new("d", 1));
        var moved = Cameras.Where(c => before[c] != after[c]).ToList();
        Assert.InRange(moved.Count, 200, 300);
        Assert.All(moved, c => Assert.Equal("d", after[c]));
    }

    [Fact]
    public void Removing_a_silo_moves_only_its_cameras()
    {
        var before = Place(new("a", 1), new("b", 1), new("c", 1), new("d", 1));
        var after = Place(new("a", 1), new("b", 1), new("d", 1));
        foreach (var camera in Cameras)
        {
            if (before[camera] == "c")
            {
                Assert.NotEqual("c", after[camera]);
            }
            else
            {
                Assert.Equal(before[camera], after[camera]);
            }
        }
    }

    [Fact]
    public void Cameras_spread_evenly_and_in_proportion_to_capacity()
    {
        var even = Place(new("a", 1), new("b", 1), new("c", 1)).Values.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(even.Values, count => Assert.InRange(count, 280, 390));

        var weighted = Place(new("small", 1), new("big", 2)).Values.Count(s => s == "big");
        Assert.InRange(weighted, 600, 730); // two thirds
    }

    [Fact]
    public void Every_silo_computes_the_same_owner_whatever_the_list_order()
    {
        SiloMember[] forward = [new("a", 1), new("b", 1), new("c", 1)];
        foreach (var camera in Cameras)
        {
            Assert.Equal(RendezvousPlacement.Owner(camera, forward), RendezvousPlacement.Owner(camera, [.. forward.Reverse()]));
        }

        Assert.Null(RendezvousPlacement.Owner("cam", []));
    }
}
