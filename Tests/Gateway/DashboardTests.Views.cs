using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// What a new user hit on the dashboard (issue 15), each against the real gateway: one box set per object with an
/// overlay toggle that really removes them, camera selection by address fragment, two dozen cameras in the list and in
/// the grid, edit and enable/disable, a 420 px window, distinct class colours, no failed request (the favicon).
/// </summary>
public sealed partial class DashboardTests
{
    private static readonly string[] ShippedClasses = ["circle", "square", "triangle", "star", "cross", "ring"];

    [Fact]
    public async Task The_picture_is_clean_so_one_box_set_shows_and_the_overlay_toggle_removes_it()
    {
        const string id = "grey";
        await CreateCameraAsync(new { id, url = fixture.GreyClip, fps = 10 });
        try
        {
            var errors = new List<string>();
            var page = await OpenAsync(fixture.Gateway, errors);
            await page.Locator($"#camera-rows tr[data-camera-id='{id}'] .camera-name").ClickAsync(new() { Timeout = Timeout });
            await Expect(page.Locator("#live-status")).ToContainTextAsync("video: live MJPEG", new() { Timeout = Timeout });
            await page.WaitForFunctionAsync(
                $"() => {{ const o = document.getElementById('overlay'); return o.dataset.camera === '{id}' && Number(o.dataset.boxesDrawn) >= 3; }}",
                null, new() { Timeout = Timeout, PollingInterval = 100 });
            await page.WaitForFunctionAsync("() => document.getElementById('live-image').naturalWidth > 0", null, new() { Timeout = Timeout });

            // The camera is uniformly grey and the tiny model finds the same boxes in every frame (b 0.80 among them):
            // any coloured pixel on the stage is a drawn box. Overlay on: its boxes, b's in b's colour; off: none at all,
            // so the picture itself carries no second set.
            var boxColour = Rgb(await page.EvaluateAsync<string>("async () => (await import('/palette.js')).colourOf('b')"));
            await Expect(page.Locator("#overlay")).ToHaveAttributeAsync("aria-label", BoxLabel(), new() { Timeout = Timeout });
            var on = await StagePixelsAsync(page);
            Assert.True(on.NearColour(boxColour) > 100, $"overlay on: {on.NearColour(boxColour)} pixels in the box colour");

            await page.GetByLabel("Detection overlay").UncheckAsync();
            // The toggle redraws at the next animation frame: wait two.
            await page.EvaluateAsync("() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))");
            var off = await StagePixelsAsync(page);
            Assert.True(off.Coloured == 0, $"overlay off: {off.Coloured} coloured pixels remain (boxes burned into the picture?)");

            // What made the picture clean: the page asks for it so.
            Assert.Contains("boxes=false", await page.Locator("#live-image").GetAttributeAsync("src") ?? string.Empty, StringComparison.Ordinal);
            await page.GetByLabel("Detection overlay").CheckAsync();
            await page.CloseAsync();
            Assert.Empty(errors);
        }
        finally
        {
            await DeleteCameraAsync(id);
        }
    }

    [Fact]
    public async Task The_address_fragment_selects_the_camera_and_choosing_one_writes_it()
    {
        // "a-off" sorts before "demo" but does not stream: the default is the first streaming camera, not the first id.
        string[] ids = ["a-off", "frag-b"];
        foreach (var cameraId in ids)
        {
            await CreateCameraAsync(new { id = cameraId, url = fixture.Clip, enabled = false });
        }

        try
        {
            var errors = new List<string>();
            var page = await OpenAsync(fixture.Gateway, errors, path: "/#camera=frag-b");
            await Expect(page.Locator("#camera-rows tr[data-camera-id='frag-b']")).ToHaveClassAsync(new Regex("selected"), new() { Timeout = Timeout });
            await Expect(page.Locator("#overlay")).ToHaveAttributeAsync("data-camera", "frag-b");
            await Expect(page.Locator("#live-camera")).ToContainTextAsync("frag-b");

            // Choosing a camera writes the fragment; editing the fragment chooses again (a bare #<id> works too).
            await page.Locator("#camera-rows tr[data-camera-id='demo'] .camera-name").ClickAsync();
            await page.WaitForFunctionAsync("() => location.hash === '#camera=demo'", null, new() { Timeout = Timeout });
            await page.EvaluateAsync("() => { location.hash = 'a-off'; }");
            await Expect(page.Locator("#overlay")).ToHaveAttributeAsync("data-camera", "a-off", new() { Timeout = Timeout });
            await page.CloseAsync();

            var plain = await OpenAsync(fixture.Gateway, errors);
            await Expect(plain.Locator("#camera-rows tr[data-camera-id='demo']")).ToHaveClassAsync(new Regex("selected"), new() { Timeout = Timeout });
            await Expect(plain.Locator("#camera-rows tr[data-camera-id='a-off']")).Not.ToHaveClassAsync(new Regex("selected"));
            Assert.Equal(string.Empty, await plain.EvaluateAsync<string>("() => location.hash"));
            await plain.CloseAsync();
            Assert.Empty(errors);
        }
        finally
        {
            foreach (var cameraId in ids)
            {
                await DeleteCameraAsync(cameraId);
            }
        }
    }

    [Fact]
    public async Task Two_dozen_cameras_keep_the_list_readable_and_the_grid_shows_every_one()
    {
        // Disabled cameras cost nothing to run; the demo camera streams, so one tile must show a picture.
        var ids = Enumerable.Range(1, 22).Select(i => $"many-cameras-with-long-ids-{i:00}").ToArray();
        foreach (var cameraId in ids)
        {
            await CreateCameraAsync(new { id = cameraId, url = fixture.Clip, enabled = false });
        }

        try
        {
            var all = await fixture.Gateway.Client.GetFromJsonAsync<JsonElement[]>(new Uri("/api/cameras", UriKind.Relative));
            Assert.NotNull(all);
            Assert.True(all.Length >= 23, $"{all.Length} cameras");
            var errors = new List<string>();
            var page = await OpenAsync(fixture.Gateway, errors);
            await Expect(page.Locator("#camera-rows tr.camera-row")).ToHaveCountAsync(all.Length, new() { Timeout = Timeout });

            // Long ids: one line each, cut in the middle with an ellipsis (these differ only at the end, which stays
            // visible), the whole id in the tooltip and the text.
            var name = page.Locator($"#camera-rows tr[data-camera-id='{ids[0]}'] .camera-name");
            Assert.Equal(ids[0], await name.GetAttributeAsync("title"));
            Assert.Equal(ids[0], await name.TextContentAsync());
            var shape = await name.EvaluateAsync<JsonElement>("""
                (el) => {
                  const head = el.querySelector('.id-head'), tail = el.querySelector('.id-tail');
                  const box = el.getBoundingClientRect(), end = tail.getBoundingClientRect();
                  return {
                    lines: Math.round(box.height / parseFloat(getComputedStyle(el).lineHeight)),
                    cut: head.scrollWidth > head.clientWidth,
                    overflow: getComputedStyle(head).textOverflow,
                    tail: tail.textContent,
                    tailShown: end.width > 0 && end.right <= box.right + 1 && end.right <= el.closest('th').getBoundingClientRect().right + 1,
                  };
                }
                """);
            Assert.Equal(1, shape.GetProperty("lines").GetInt32());
            Assert.True(shape.GetProperty("cut").GetBoolean(), $"this long id should be cut short in a 1280 px window: {shape}");
            Assert.Equal("ellipsis", shape.GetProperty("overflow").GetString());
            Assert.Equal("ids-01", shape.GetProperty("tail").GetString());
            Assert.True(shape.GetProperty("tailShown").GetBoolean(), $"the end of the id is not visible: {shape}");

            // The filter narrows the list to matching ids.
            await page.GetByLabel("Filter cameras by id").FillAsync("long-ids-0");
            await Expect(page.Locator("#camera-rows tr.camera-row:visible")).ToHaveCountAsync(9);
            await page.GetByLabel("Filter cameras by id").FillAsync(string.Empty);
            await Expect(page.Locator("#camera-rows tr.camera-row:visible")).ToHaveCountAsync(all.Length);

            // The grid: a tile per camera with its state, the streaming demo camera's with a picture.
            await page.GetByRole(AriaRole.Button, new() { Name = "Grid view" }).ClickAsync();
            await Expect(page.Locator("#grid-view")).ToBeVisibleAsync();
            await Expect(page.Locator("#grid-tiles li.tile")).ToHaveCountAsync(all.Length, new() { Timeout = Timeout });
            await Expect(page.Locator($"#grid-tiles li[data-camera-id='{ids[5]}'] .state")).ToHaveTextAsync("stopped");
            await Expect(page.Locator("#grid-tiles li[data-camera-id='demo'] .state")).ToHaveTextAsync("streaming", new() { Timeout = Timeout });
            await page.WaitForFunctionAsync(
                "() => document.querySelector(\"#grid-tiles li[data-camera-id='demo'] img\")?.naturalWidth > 0",
                null, new() { Timeout = Timeout, PollingInterval = 200 });
            Assert.Contains("view=grid", await page.EvaluateAsync<string>("() => location.hash"), StringComparison.Ordinal);
            Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard-grid.png") });

            // Choosing a tile watches that camera in the single view.
            await page.GetByRole(AriaRole.Button, new() { Name = "Watch camera demo" }).ClickAsync();
            await Expect(page.Locator("#grid-view")).ToBeHiddenAsync();
            await Expect(page.Locator("#overlay")).ToHaveAttributeAsync("data-camera", "demo");
            await page.CloseAsync();
            Assert.Empty(errors);
        }
        finally
        {
            foreach (var cameraId in ids)
            {
                await DeleteCameraAsync(cameraId);
            }
        }
    }

    [Fact]
    public async Task A_camera_is_disabled_edited_and_enabled_again_from_the_page()
    {
        const string id = "editme";
        await CreateCameraAsync(new { id, url = fixture.Clip, fps = 5 });
        try
        {
            var before = await CameraAsync(id);
            var errors = new List<string>();
            var page = await OpenAsync(fixture.Gateway, errors, path: $"/#camera={id}");
            await Expect(page.Locator("#overlay")).ToHaveAttributeAsync("data-camera", id, new() { Timeout = Timeout });

            await page.GetByRole(AriaRole.Button, new() { Name = $"Disable camera {id}" }).ClickAsync();
            await Eventually.UntilAsync(
                () => CameraAsync(id), c => !c.GetProperty("enabled").GetBoolean() && c.GetProperty("state").GetString() == "stopped",
                TimeSpan.FromSeconds(30), $"{id} is disabled and stopped through the API");
            await Expect(page.Locator($"#camera-rows tr[data-camera-id='{id}'] .state")).ToHaveTextAsync("stopped", new() { Timeout = Timeout });
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Enable camera {id}" })).ToBeVisibleAsync(new() { Timeout = Timeout });

            await page.GetByRole(AriaRole.Button, new() { Name = $"Edit camera {id}" }).ClickAsync();
            await Expect(page.Locator("#form-title")).ToHaveTextAsync($"Edit camera {id}");
            await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Id", Exact = true })).ToHaveValueAsync(id);
            await Expect(page.GetByLabel("Enabled")).Not.ToBeCheckedAsync();
            await page.GetByLabel("FPS").FillAsync("2");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
            await Expect(page.Locator("#form-status")).ToContainTextAsync($"{id} saved", new() { Timeout = Timeout });
            var edited = await CameraAsync(id);
            Assert.Equal(2, edited.GetProperty("fps").GetDouble());
            Assert.False(edited.GetProperty("enabled").GetBoolean());
            Assert.Equal(before.GetProperty("url").GetString(), edited.GetProperty("url").GetString()); // an empty URL field keeps it
            await Expect(page.Locator("#form-title")).ToHaveTextAsync("Add a camera");

            await page.GetByRole(AriaRole.Button, new() { Name = $"Enable camera {id}" }).ClickAsync();
            await Eventually.UntilAsync(
                () => CameraAsync(id), c => c.GetProperty("enabled").GetBoolean(), TimeSpan.FromSeconds(30), $"{id} is enabled again");
            await page.CloseAsync();
            Assert.Empty(errors);
        }
        finally
        {
            await DeleteCameraAsync(id);
        }
    }

    [Fact]
    public async Task At_420_px_nothing_overflows_the_camera_panel_keeps_its_rows_and_the_header_wraps()
    {
        var errors = new List<string>();
        var page = await OpenAsync(fixture.Gateway, errors, fresh => fresh.SetViewportSizeAsync(420, 900));
        var demo = page.Locator("#camera-rows tr[data-camera-id='demo']");
        await Expect(demo.Locator(".state")).ToHaveTextAsync("streaming", new() { Timeout = Timeout });

        var layout = await page.EvaluateAsync<JsonElement>("""
            () => {
              const rect = (sel) => document.querySelector(sel).getBoundingClientRect();
              const header = rect('header.topbar');
              return {
                scrollWidth: document.documentElement.scrollWidth,
                innerWidth: window.innerWidth,
                panelHeight: rect('section.cameras').height,
                tableHeight: rect('#camera-table').height,
                nameWidth: document.querySelector("#camera-rows tr[data-camera-id='demo'] .camera-name").getBoundingClientRect().width,
                headerHeight: header.height,
                headerRight: Math.max(...[...document.querySelectorAll('header.topbar *')].map((e) => e.getBoundingClientRect().right)),
              };
            }
            """);
        var shot = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard-420.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        output.WriteLine($"420 px screenshot: {shot}; layout {layout}");

        var innerWidth = layout.GetProperty("innerWidth").GetDouble();
        Assert.True(layout.GetProperty("scrollWidth").GetDouble() <= innerWidth, $"the page scrolls sideways: {layout}");
        Assert.True(layout.GetProperty("headerRight").GetDouble() <= innerWidth, $"the header runs off the page: {layout}");
        Assert.True(layout.GetProperty("headerHeight").GetDouble() > 60, $"the header should wrap onto several lines: {layout}");
        Assert.True(layout.GetProperty("tableHeight").GetDouble() >= 40 && layout.GetProperty("panelHeight").GetDouble() >= 250, $"the camera panel collapsed: {layout}");
        Assert.True(layout.GetProperty("nameWidth").GetDouble() >= 30, $"the camera id has no room: {layout}");
        await Expect(demo).ToBeInViewportAsync();
        await page.CloseAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_shipped_models_six_classes_get_clearly_distinct_colours()
    {
        var errors = new List<string>();
        var page = await OpenAsync(fixture.Gateway, errors);
        var colours = await page.EvaluateAsync<string[]>(
            "async (labels) => { const { colourOf } = await import('/palette.js'); return labels.map((l) => colourOf(l)); }", ShippedClasses);
        await page.CloseAsync();

        // CIE76 ΔE in L*a*b*: about 2 is just noticeable, 10+ is plainly different; the old palette gave three classes
        // the same red (0). Demand a clear margin between every pair.
        for (var i = 0; i < colours.Length; i++)
        {
            for (var j = i + 1; j < colours.Length; j++)
            {
                var distance = DeltaE(Rgb(colours[i]), Rgb(colours[j]));
                Assert.True(distance >= 25, $"{ShippedClasses[i]} {colours[i]} and {ShippedClasses[j]} {colours[j]} are only ΔE {distance:0.0} apart");
            }
        }

        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_page_loads_without_a_failed_request_and_has_a_favicon()
    {
        var failed = new List<string>();
        var errors = new List<string>();
        var page = await OpenAsync(fixture.Gateway, errors, fresh =>
        {
            fresh.Response += (_, response) =>
            {
                if (response.Status >= 400)
                {
                    lock (failed)
                    {
                        failed.Add($"{response.Status} {response.Url}");
                    }
                }
            };
            fresh.RequestFailed += (_, request) =>
            {
                lock (failed)
                {
                    failed.Add($"{request.Failure} {request.Url}");
                }
            };
            return Task.CompletedTask;
        });
        await Expect(page.Locator("#camera-rows tr[data-camera-id='demo'] .state")).ToHaveTextAsync("streaming", new() { Timeout = Timeout });
        await Expect(page.Locator("#live-status")).ToContainTextAsync("video: live MJPEG", new() { Timeout = Timeout });
        await Expect(page.Locator("#health-batch")).Not.ToHaveTextAsync("—", new() { Timeout = Timeout });

        // The linked icon and /favicon.ico (what browsers ask for by themselves) both answer with the SVG.
        var href = await page.Locator("link[rel='icon']").GetAttributeAsync("href");
        Assert.False(string.IsNullOrEmpty(href), "no <link rel=icon>");
        foreach (var path in new[] { href, "/favicon.ico" })
        {
            var answer = await page.EvaluateAsync<JsonElement>(
                "async (p) => { const r = await fetch(p); return { status: r.status, type: r.headers.get('content-type') ?? '' }; }", path);
            Assert.Equal(200, answer.GetProperty("status").GetInt32());
            Assert.StartsWith("image/svg+xml", answer.GetProperty("type").GetString(), StringComparison.Ordinal);
        }

        string[] seen;
        lock (failed)
        {
            seen = [.. failed];
        }

        await page.CloseAsync(); // closing aborts the MJPEG download: read the list before
        Assert.Empty(seen);
        Assert.Empty(errors);
    }

    private async Task CreateCameraAsync(object body)
    {
        using var created = await fixture.Gateway.Client.PostAsJsonAsync(new Uri("/api/cameras", UriKind.Relative), body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"creating a camera: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    }

    private async Task DeleteCameraAsync(string id)
    {
        using var deleted = await fixture.Gateway.Client.DeleteAsync(new Uri($"/api/cameras/{id}", UriKind.Relative));
    }

    private async Task<JsonElement> CameraAsync(string id) =>
        await fixture.Gateway.Client.GetFromJsonAsync<JsonElement>(new Uri($"/api/cameras/{id}", UriKind.Relative));

    // The stage as the user sees it (picture and overlay composed by the browser), decoded to BGR.
    private static async Task<StagePixels> StagePixelsAsync(IPage page)
    {
        var png = await page.Locator("#stage").ScreenshotAsync(new() { Type = ScreenshotType.Png });
        var layout = ImageCodec.QueryImage(png);
        var pixels = new byte[layout.RequiredBytes];
        ImageCodec.Decode(png, pixels);
        return new StagePixels(pixels, layout);
    }

    private sealed record StagePixels(byte[] Bgr, BgrLayout Layout)
    {
        /// <summary>Pixels whose channels differ by more than 40: not the grey picture, its dark stage or its border.</summary>
        public int Coloured => Count((r, g, b) => Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > 40);

        public int NearColour((int R, int G, int B) colour) =>
            Count((r, g, b) => Math.Abs(r - colour.R) + Math.Abs(g - colour.G) + Math.Abs(b - colour.B) < 30);

        private int Count(Func<int, int, int, bool> match)
        {
            var count = 0;
            for (var y = 0; y < Layout.Height; y++)
            {
                for (var x = 0; x < Layout.Width; x++)
                {
                    var at = (y * Layout.Stride) + (x * 3);
                    count += match(Bgr[at + 2], Bgr[at + 1], Bgr[at]) ? 1 : 0;
                }
            }

            return count;
        }
    }

    private static (int R, int G, int B) Rgb(string hex) =>
        (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));

    private static double DeltaE((int R, int G, int B) a, (int R, int G, int B) b)
    {
        var (l1, a1, b1) = Lab(a);
        var (l2, a2, b2) = Lab(b);
        return Math.Sqrt(((l1 - l2) * (l1 - l2)) + ((a1 - a2) * (a1 - a2)) + ((b1 - b2) * (b1 - b2)));
    }

    // sRGB (D65) to CIE L*a*b*.
    private static (double L, double A, double B) Lab((int R, int G, int B) c)
    {
        static double Linear(int v)
        {
            var s = v / 255.0;
            return s <= 0.04045 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }

        static double F(double t) => t > 216.0 / 24389 ? Math.Cbrt(t) : (t * 24389 / 27 + 16) / 116;
        var (r, g, b) = (Linear(c.R), Linear(c.G), Linear(c.B));
        var x = ((0.4124 * r) + (0.3576 * g) + (0.1805 * b)) / 0.95047;
        var y = (0.2126 * r) + (0.7152 * g) + (0.0722 * b);
        var z = ((0.0193 * r) + (0.1192 * g) + (0.9505 * b)) / 1.08883;
        return ((116 * F(y)) - 16, 500 * (F(x) - F(y)), 200 * (F(y) - F(z)));
    }
}
