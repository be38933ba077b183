using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Tests.Silo.Contracts;

/// <summary>What every <see cref="ICameraRegistry"/> must do; providers derive and supply an empty registry.</summary>
public abstract class CameraRegistryContract
{
    protected abstract Task<ICameraRegistry> CreateAsync();

    private static CameraSpec Spec(string id, string url = "rtsp://127.0.0.1/x") => new() { Id = id, Url = url, Classes = ["circle"] };

    [Fact]
    public async Task Add_get_list_replace_remove()
    {
        var registry = await CreateAsync();
        Assert.True(await registry.AddAsync(Spec("b")));
        Assert.True(await registry.AddAsync(Spec("a")));
        Assert.False(await registry.AddAsync(Spec("a", "rtsp://other/y")));
        Assert.Equal(["a", "b"], (await registry.ListAsync()).Select(c => c.Id));
        Assert.Equal("rtsp://127.0.0.1/x", (await registry.GetAsync("a"))!.Url);
        Assert.Equal(["circle"], (await registry.GetAsync("a"))!.Classes);

        Assert.True(await registry.ReplaceAsync(Spec("a", "rtsp://new/z") with { Fps = 2 }));
        Assert.Equal(2, (await registry.GetAsync("a"))!.Fps);
        Assert.False(await registry.ReplaceAsync(Spec("zzz")));

        Assert.True(await registry.RemoveAsync("a"));
        Assert.False(await registry.RemoveAsync("a"));
        Assert.Null(await registry.GetAsync("a"));
    }

    [Fact]
    public async Task Zones_and_lines_are_kept_as_registered()
    {
        var registry = await CreateAsync();
        var spec = Spec("scene") with
        {
            Zones = [new ZoneSpec { Name = "bay", Polygon = [new(0.1, 0.2), new(0.6, 0.2), new(0.35, 0.9)], Classes = ["circle"], Point = ReferencePoint.Center }],
            Lines = [new LineSpec { Name = "door", From = new(0, 0.5), To = new(1, 0.5) }],
        };
        Assert.True(await registry.AddAsync(spec));
        var read = await registry.GetAsync("scene");
        Assert.True(spec.SameAs(read), "the zones and lines read back differ from those registered");
        Assert.False(spec.SameAs(read! with { Lines = [] }));
    }

    [Fact]
    public async Task Tracking_settings_are_kept_as_registered()
    {
        var registry = await CreateAsync();
        var spec = Spec("tracked") with { Tracking = new TrackingSpec { ConfirmHits = 4, HighScore = 0.55, LostTakeLowScores = false } };
        Assert.True(await registry.AddAsync(spec));
        var read = await registry.GetAsync("tracked");
        Assert.Equal(spec.Tracking, read!.Tracking);
        Assert.True(spec.SameAs(read), "the tracking settings read back differ from those registered");
        Assert.False(spec.SameAs(read with { Tracking = spec.Tracking with { ConfirmHits = 5 } }));
        Assert.False(spec.SameAs(read with { Tracking = null }));
        Assert.True(await registry.AddAsync(Spec("plain")));
        var plain = await registry.GetAsync("plain");
        Assert.NotNull(plain);
        Assert.Null(plain.Tracking); // no settings of its own: the silo's
    }

    [Fact]
    public async Task Changes_are_announced()
    {
        var registry = await CreateAsync();
        var seen = new List<string>();
        var announced = new SemaphoreSlim(0);
        registry.Changed += id =>
        {
            lock (seen)
            {
                seen.Add(id);
            }

            announced.Release();
        };

        await registry.AddAsync(Spec("cam"));
        await registry.ReplaceAsync(Spec("cam") with { Enabled = false });
        await registry.RemoveAsync("cam");
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await announced.WaitAsync(TimeSpan.FromSeconds(5)));
        }

        Assert.Equal(["cam", "cam", "cam"], seen);
    }
}
