using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VideoAnalytics.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// The dashboard in a real browser against the real gateway: the demo camera shows as streaming, the overlay draws
/// the detection stream's boxes scaled to the display (no video route needed), counts and health panels settle; a
/// camera added through the form (after a refused one shows its field error inline) appears and is removed again;
/// the optional routes (MJPEG, stats, metrics) are read in their agreed shapes; and with API keys the page loads,
/// is refused until the key is entered, then works. DashboardTests.Views.cs: one box set per object, the address
/// fragment, many cameras and the grid, edit and enable/disable, a phone-sized window, class colours, the favicon.
/// DashboardTests.Scene.cs: track ids, drawing, saving and deleting lines and zones, their counts.
/// </summary>
public sealed partial class DashboardTests(DashboardFixture fixture, ITestOutputHelper output) : IClassFixture<DashboardFixture>, IAsyncLifetime
{
    private readonly DashboardPages _pages = new(fixture.Browser);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAllAsync();

    private const float Timeout = 30_000;

    // A copy outside the build tree for whoever reviews the page.
    private const string SharedScreenshot = "/tmp/dashboard.png";

    [Fact]
    public async Task Demo_camera_streams_and_its_boxes_are_drawn()
    {
        var errors = new List<string>();
        var page = await OpenAsync(fixture.Gateway, errors);

        var demo = page.Locator("#camera-rows tr[data-camera-id='demo']");
        await Expect(demo.Locator(".state")).ToHaveTextAsync("streaming", new() { Timeout = Timeout });
        await Expect(demo).ToHaveClassAsync(new Regex("selected"));

        // The tiny model finds class b at 0.80 in every frame: boxes must be drawn on the overlay, scaled to it.
        await page.WaitForFunctionAsync(
            "() => { const o = document.getElementById('overlay'); return o.dataset.camera === 'demo' && Number(o.dataset.boxesDrawn) >= 5; }",
            null, new() { Timeout = Timeout, PollingInterval = 100 });
        await Expect(page.Locator("#overlay")).ToHaveAttributeAsync("aria-label", BoxLabel());
        // Scaled to the displayed size: the class-b box spans (0, H/2)-(W/2, H) of the source frame, so its top edge
        // must cross the overlay's point (W/4, H/2) in the class's colour, whatever size the overlay is shown at.
        await page.WaitForFunctionAsync("""
            async () => {
              const { colourOf } = await import('/palette.js');
              const want = [1, 3, 5].map((i) => parseInt(colourOf('b').slice(i, i + 2), 16));
              const o = document.getElementById('overlay');
              const x = Math.round(o.width / 4), y = Math.round(o.height / 2);
              const px = o.getContext('2d').getImageData(x, y - 3, 1, 7).data;
              for (let i = 0; i < px.length; i += 4) {
                if (px[i + 3] > 200 && [0, 1, 2].every((c) => Math.abs(px[i + c] - want[c]) < 10)) return true;
              }
              return false;
            }
            """, null, new() { Timeout = Timeout, PollingInterval = 100 });

        // Counts come from /api/stats or, where the gateway has none, from the stream itself.
        await Expect(page.Locator("#counts-legend li", new() { HasTextRegex = ClassBCount() })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // Health settles to figures or to an explicit "unavailable", never stays blank.
        await page.WaitForFunctionAsync(
            "() => !document.getElementById('health-unavailable').hidden || document.getElementById('health-batch').textContent !== '—'",
            null, new() { Timeout = Timeout, PollingInterval = 100 });

        // The picture settles too: live MJPEG, snapshots, or "unavailable" where the gateway serves none.
        await Expect(page.Locator("#live-status")).Not.ToContainTextAsync("connecting", new() { Timeout = Timeout });

        var shot = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new() { Path = shot });
        File.Copy(shot, SharedScreenshot, overwrite: true);
        output.WriteLine($"dashboard screenshot: {shot} (copied to {SharedScreenshot})");
        await page.CloseAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_camera_added_through_the_form_appears_and_can_be_removed()
    {
        var errors = new List<string>();
        var page = await OpenAsync(fixture.Gateway, errors);
        await Expect(page.Locator("#camera-rows tr[data-camera-id='demo']")).ToBeVisibleAsync(new() { Timeout = Timeout });

        // A value the gateway refuses: its 400 names the field, and the page shows that next to the field.
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Id", Exact = true }).FillAsync("lobby");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "URL", Exact = true }).FillAsync(fixture.Clip);
        await page.GetByLabel("FPS").FillAsync("500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
        await Expect(page.Locator("#cam-fps-error")).ToContainTextAsync("fps must be between", new() { Timeout = Timeout });
        await Expect(page.GetByLabel("FPS")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#camera-rows tr[data-camera-id='lobby']")).ToHaveCountAsync(0);

        await page.GetByLabel("FPS").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
        await Expect(page.Locator("#form-status")).ToContainTextAsync("lobby added", new() { Timeout = Timeout });
        var lobby = page.Locator("#camera-rows tr[data-camera-id='lobby']");
        await Expect(lobby).ToBeVisibleAsync(new() { Timeout = Timeout });
        using (var registered = await fixture.Gateway.Client.GetAsync(new Uri("/api/cameras/lobby", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }

        // Remove takes a second, confirming click.
        var remove = page.GetByRole(AriaRole.Button, new() { Name = "Remove camera lobby" });
        await remove.ClickAsync();
        await Expect(remove).ToHaveTextAsync("Confirm remove");
        await remove.ClickAsync();
        await Expect(lobby).ToHaveCountAsync(0, new() { Timeout = Timeout });
        using (var removed = await fixture.Gateway.Client.GetAsync(new Uri("/api/cameras/lobby", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, removed.StatusCode);
        }

        await Expect(page.Locator("#camera-rows tr[data-camera-id='demo']")).ToBeVisibleAsync();
        await page.CloseAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Video_counts_and_health_panels_read_the_agreed_route_shapes()
    {
        // Stand-ins for routes a gateway may or may not have, answering in the agreed shapes.
        var errors = new List<string>();
        var page = await OpenAsync(fixture.Gateway, errors, async fresh =>
        {
            await fresh.RouteAsync(LiveMjpegRoute(), route => route.FulfillAsync(new() { Status = 200, ContentType = "image/jpeg", Path = fixture.Picture }));
            await fresh.RouteAsync(StatsRoute(), route => route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = StatsJson }));
            await fresh.RouteAsync(MetricsRoute(), route => route.FulfillAsync(new() { Status = 200, ContentType = "text/plain; version=0.0.4", Body = MetricsText }));
        });

        await Expect(page.Locator("#live-image")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Expect(page.Locator("#live-status")).ToContainTextAsync("video: live MJPEG", new() { Timeout = Timeout });

        await Expect(page.Locator("#counts-legend li", new() { HasText = "circle: 3" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Expect(page.Locator("#counts-legend li", new() { HasText = "square: 2" })).ToBeVisibleAsync();
        await Expect(page.Locator("#counts-source")).ToContainTextAsync("detection history");

        await Expect(page.Locator("#health-batch")).ToContainTextAsync("2.5 average", new() { Timeout = Timeout });
        await Expect(page.Locator("#health-latency")).ToContainTextAsync("p95 ≤ 25 ms");
        await Expect(page.Locator("#health-latency")).ToContainTextAsync("10 ms overall");
        await Expect(page.Locator("#health-drops")).ToContainTextAsync("10 total");
        await Expect(page.Locator("#health-drops")).ToContainTextAsync("stale 7, replaced 3");
        await Expect(page.Locator("#health-unavailable")).ToBeHiddenAsync();
        await page.CloseAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task With_api_keys_the_page_loads_asks_for_the_key_and_then_works()
    {
        var errors = new List<string>();
        var page = await OpenAsync(fixture.KeyedGateway, errors);

        // The page itself needs no key; the API does. The page says so: a banner when the camera list is refused (or,
        // where listing is open to all, the live view's refused detection stream), and a new camera is refused too.
        await page.WaitForFunctionAsync(
            "() => document.getElementById('banner').textContent.includes('needs an API key') || document.getElementById('live-status').textContent.includes('refused')",
            null, new() { Timeout = Timeout, PollingInterval = 100 });
        Assert.Equal(0, await page.EvaluateAsync<int>("() => Number(document.getElementById('overlay').dataset.boxesDrawn)"));
        var id = page.GetByRole(AriaRole.Textbox, new() { Name = "Id", Exact = true });
        var url = page.GetByRole(AriaRole.Textbox, new() { Name = "URL", Exact = true });
        await id.FillAsync("keyless");
        await url.FillAsync(fixture.Clip);

        // Once (in some 10 runs under three parallel suites) the submit saw empty fields ("Fix the marked fields."):
        // say whether the values were there right before the click, should it happen again.
        await Expect(id).ToHaveValueAsync("keyless");
        await Expect(url).ToHaveValueAsync(fixture.Clip);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
        await Expect(page.Locator("#form-status")).ToContainTextAsync("needs an API key", new() { Timeout = Timeout });

        await page.GetByLabel("API key").FillAsync(DashboardFixture.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
        await Expect(page.Locator("#camera-rows tr[data-camera-id='demo'] .state")).ToHaveTextAsync("streaming", new() { Timeout = Timeout });

        // The detection stream (EventSource, key in ?apiKey=) gets through too.
        await page.WaitForFunctionAsync(
            "() => { const o = document.getElementById('overlay'); return o.dataset.camera === 'demo' && Number(o.dataset.boxesDrawn) >= 3; }",
            null, new() { Timeout = Timeout, PollingInterval = 100 });
        Assert.Equal(DashboardFixture.ApiKey, await page.EvaluateAsync<string>("() => localStorage.getItem('va.apiKey')"));
        await page.CloseAsync();
        Assert.Empty(errors);
    }

    /// <summary>
    /// A new page on <paramref name="gateway"/>'s dashboard, after <paramref name="prepare"/> (routes); uncaught script
    /// errors (any one means the page is broken) go to <paramref name="errors"/>.
    /// </summary>
    private async Task<IPage> OpenAsync(ServiceProcess gateway, List<string> errors, Func<IPage, Task>? prepare = null, string path = "")
    {
        var page = await _pages.NewAsync(errors);
        if (prepare is not null)
        {
            await prepare(page);
        }

        var response = await page.GotoAsync(new Uri(gateway.BaseAddress, path).ToString());
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        return page;
    }

    private const string StatsJson = """
        {"bucket":"60s","from":"2026-11-21T07:00:00Z","to":"2026-11-21T08:00:00Z","series":[
          {"label":"circle","counts":[{"start":"2026-11-21T07:58:00Z","count":1},{"start":"2026-11-21T07:59:00Z","count":2}]},
          {"label":"square","counts":[{"start":"2026-11-21T07:58:00Z","count":0},{"start":"2026-11-21T07:59:00Z","count":2}]}]}
        """;

    private const string MetricsText = """
        # TYPE va_inference_batch_size histogram
        va_inference_batch_size_bucket{device="cpu",le="1"} 2
        va_inference_batch_size_bucket{device="cpu",le="4"} 5
        va_inference_batch_size_bucket{device="cpu",le="+Inf"} 6
        va_inference_batch_size_sum{device="cpu"} 15
        va_inference_batch_size_count{device="cpu"} 6
        # TYPE va_inference_latency_milliseconds histogram
        va_inference_latency_milliseconds_bucket{device="cpu",model="refinedet-lite-320",le="10"} 4
        va_inference_latency_milliseconds_bucket{device="cpu",model="refinedet-lite-320",le="25"} 6
        va_inference_latency_milliseconds_bucket{device="cpu",model="refinedet-lite-320",le="+Inf"} 6
        va_inference_latency_milliseconds_sum{device="cpu",model="refinedet-lite-320"} 60
        va_inference_latency_milliseconds_count{device="cpu",model="refinedet-lite-320"} 6
        # TYPE va_camera_frames_dropped_total counter
        va_camera_frames_dropped_total{camera="demo",reason="stale"} 7
        va_camera_frames_dropped_total{camera="lobby",reason="replaced"} 3
        """;

    [GeneratedRegex(@"/live\.mjpeg")]
    private static partial Regex LiveMjpegRoute();

    [GeneratedRegex(@"/api/stats\?")]
    private static partial Regex StatsRoute();

    [GeneratedRegex(@"/metrics$")]
    private static partial Regex MetricsRoute();

    [GeneratedRegex(@"\bb 0\.80\b")]
    private static partial Regex BoxLabel();

    [GeneratedRegex(@"^b: [1-9]")]
    private static partial Regex ClassBCount();
}
