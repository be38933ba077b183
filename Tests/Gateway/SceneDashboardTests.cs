using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VideoAnalytics.Tests.Models;
using VideoAnalytics.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// Zones and lines on the dashboard with objects that move (issue 16), in Chromium against a gateway running the
/// shipped model on the demo video: a line drawn with the mouse down the middle of the live view is crossed, and the
/// page shows it counted in the zones-and-lines panel, as rows of the event log and in the crossings chart, all agreeing
/// with the events API; the event log starts from the history and goes on live without a repeat, filters by type and
/// closes its stream when another camera is watched; the occupancy chart plots a zone's objects.
/// <para>
/// Nothing here waits for a time to pass: every wait is for something the page or the API shows, with an upper bound
/// generous enough for the shipped model on a loaded two-core machine.
/// </para>
/// </summary>
public sealed partial class SceneDashboardTests(SceneDashboardFixture fixture, ITestOutputHelper output) : IClassFixture<SceneDashboardFixture>, IAsyncLifetime
{
    private readonly DashboardPages _pages = new(fixture.Browser);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAllAsync();

    private const string Camera = SceneDashboardFixture.CameraId;

    // Upper bounds only. The demo's objects cross the middle line a few times a minute; SceneEventsFixture gives 120 s
    // for four crossings at 5 fps.
    private const float Timeout = 30_000;
    private const float EventTimeout = 180_000;

    // Down the middle of the picture, where SceneEventsFixture's line "middle" is crossed (Tests/Gateway/SceneEventsApiTests.cs).
    private static readonly (double X, double Y) LineFrom = (0.5, 0.05);
    private static readonly (double X, double Y) LineTo = (0.5, 0.95);

    private static readonly object WholePicture = new { name = "all", polygon = new[] { new[] { 0.0, 0.0 }, [1.0, 0.0], [1.0, 1.0], [0.0, 1.0] } };
    private static readonly object MiddleLine = new { name = "middle", from = new[] { 0.5, 0.0 }, to = new[] { 0.5, 1.0 } };

    [Fact]
    public async Task A_line_drawn_over_the_demo_camera_is_crossed_and_the_page_counts_it_as_the_api_does()
    {
        const string name = "door";
        await SetSceneAsync([], []);
        var errors = new List<string>();
        var page = await OpenAsync(errors);
        try
        {
            await Expect(page.Locator($"#camera-rows tr[data-camera-id='{Camera}'] .state")).ToHaveTextAsync("streaming", new() { Timeout = Timeout });
            await page.WaitForFunctionAsync(
                $"() => {{ const o = document.getElementById('overlay'); return o.dataset.camera === '{Camera}' && Number(o.dataset.framesDrawn) >= 2; }}",
                null, new() { Timeout = EventTimeout, PollingInterval = 200 });

            // Drawn with the mouse through the scene editor, then named and saved.
            await page.GetByRole(AriaRole.Button, new() { Name = "Draw line" }).ClickAsync();
            await DashboardTests.LayoutSettledAsync(page);
            var from = await DashboardTests.OverlayPointAsync(page, LineFrom);
            var to = await DashboardTests.OverlayPointAsync(page, LineTo);
            await page.Mouse.MoveAsync(from.X, from.Y);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(to.X, to.Y, new() { Steps = 8 });
            await page.Mouse.UpAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync(name);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await Expect(page.Locator("#scene-draw")).ToBeHiddenAsync(new() { Timeout = Timeout });
            var line = (await CameraAsync()).GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("name").GetString() == name);
            DashboardTests.AssertNear(LineFrom, line.GetProperty("from"));
            DashboardTests.AssertNear(LineTo, line.GetProperty("to"));

            // Objects cross it: the panel's row counts a crossing …
            var row = page.Locator($"#scene-rows tr[data-kind='line'][data-name='{name}']");
            await Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });
            await page.WaitForFunctionAsync(
                $"() => {{ const r = document.querySelector(\"#scene-rows tr[data-kind='line'][data-name='{name}']\"); return r && Number(r.dataset.in) + Number(r.dataset.out) > 0; }}",
                null, new() { Timeout = EventTimeout, PollingInterval = 500 });

            // … the event log shows it …
            var crossings = page.Locator($"#event-rows tr[data-type='line.cross'][data-name='{name}']");
            await Expect(crossings.First).ToBeVisibleAsync(new() { Timeout = EventTimeout });
            var logged = await LogRowsAsync(page, $"tr[data-type='line.cross'][data-name='{name}']");

            // … and the API agrees: each crossing the log shows is one the history holds, with the same fields.
            var history = (await HistoryAsync($"type=line.cross&zone={Uri.EscapeDataString(name)}")).ToDictionary(Key);
            Assert.NotEmpty(logged);
            foreach (var r in logged)
            {
                Assert.True(history.TryGetValue(r.Key, out var stored), $"the log's crossing {r.Key} is not in the history ({history.Count} there)");
                AssertSameEvent(stored, r);
                Assert.Contains(r.Direction, new[] { "in", "out" });
                Assert.Equal($"cross {r.Direction}", r.Event);
            }

            // The crossings chart plots them, with the numbers as text.
            await page.GetByRole(AriaRole.Tab, new() { Name = "Lines" }).ClickAsync();
            await Expect(page.Locator("#crossings-chart")).ToBeVisibleAsync();
            await page.WaitForFunctionAsync(
                $"() => {{ const i = document.querySelector(\"#crossings-legend li[data-line='{name}']\"); return i && Number(i.dataset.in) + Number(i.dataset.out) > 0 && Number(document.getElementById('crossings-chart').dataset.points) > 0; }}",
                null, new() { Timeout = Timeout, PollingInterval = 200 });
            await Expect(page.Locator("#crossings-chart")).ToHaveAttributeAsync("aria-label", CrossingsLabel(), new() { Timeout = Timeout });
            await ScreenshotAsync(page, "dashboard-crossings.png");
            await page.CloseAsync();
            Assert.Empty(errors);
        }
        finally
        {
            await SetSceneAsync([], []);
        }
    }

    [Fact]
    public async Task The_event_log_starts_from_the_history_then_goes_on_live_newest_first_without_repeats()
    {
        await SetSceneAsync([WholePicture], [MiddleLine]);
        try
        {
            // Events stored before the page opens: the log must show them, from the history.
            var before = await Eventually.UntilAsync(() => HistoryAsync(""), events => events.Count >= 3, TimeSpan.FromSeconds(EventTimeout / 1000), "three scene events in the history");
            var newestBefore = before.Max(Position);
            var errors = new List<string>();
            var page = await OpenAsync(errors);
            await Expect(page.Locator("#event-rows")).ToHaveAttributeAsync("data-camera", Camera, new() { Timeout = Timeout });
            await page.WaitForFunctionAsync(
                $"() => [...document.querySelectorAll('#event-rows tr')].some((r) => Number(r.dataset.key.split(':')[0]) <= {newestBefore})",
                null, new() { Timeout = Timeout, PollingInterval = 200 });

            // Then live: an event after the page opened.
            await page.WaitForFunctionAsync(
                $"() => [...document.querySelectorAll('#event-rows tr')].some((r) => Number(r.dataset.key.split(':')[0]) > {newestBefore})",
                null, new() { Timeout = EventTimeout, PollingInterval = 500 });

            var rows = await LogRowsAsync(page, "tr");
            output.WriteLine($"{rows.Count} rows; newest {rows[0].Key} {rows[0].Event} {rows[0].Name}");
            Assert.InRange(rows.Count, 2, 100);
            Assert.Equal(rows.Count, rows.Select(r => r.Key).Distinct().Count());
            var times = rows.Select(r => DateTimeOffset.Parse(r.At, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(times.OrderDescending(), times); // newest first

            // Every row is an event of the history, shown with its fields: time, type, name, class, track, dwell.
            var history = (await HistoryAsync("")).ToDictionary(Key);
            foreach (var r in rows)
            {
                Assert.True(history.TryGetValue(r.Key, out var stored), $"row {r.Key} is not an event of the history");
                AssertSameEvent(stored, r);
                Assert.Equal(stored.GetProperty("type").GetString() switch
                {
                    "zone.enter" => "enter",
                    "zone.exit" => "exit",
                    _ => $"cross {stored.GetProperty("direction").GetString()}",
                }, r.Event);
                Assert.Matches(@"^\d\d:\d\d:\d\d$", r.Time);
                Assert.Equal($"#{stored.GetProperty("trackId").GetInt32()}", r.Track);
                if (stored.TryGetProperty("dwellSeconds", out var dwell) && dwell.ValueKind == JsonValueKind.Number)
                {
                    Assert.Equal($"{dwell.GetDouble().ToString("0.0", CultureInfo.InvariantCulture)} s", r.Dwell);
                }
                else
                {
                    Assert.Equal(string.Empty, r.Dwell);
                }
            }

            await page.CloseAsync();
            Assert.Empty(errors);
        }
        finally
        {
            await SetSceneAsync([], []);
        }
    }

    [Fact]
    public async Task The_event_log_filters_by_type_and_closes_its_stream_when_another_camera_is_watched()
    {
        await SetSceneAsync([WholePicture], [MiddleLine]);
        using (var created = await fixture.Gateway.Client.PostAsJsonAsync("/api/cameras", new { id = "quiet", url = ShippedModel.RepoFile("models/demo.mp4"), enabled = false }))
        {
            Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict, $"registering quiet: {(int)created.StatusCode}");
        }

        try
        {
            await Eventually.UntilAsync(() => HistoryAsync(""), events => events.Any(e => e.GetProperty("type").GetString() == "zone.enter") && events.Any(e => e.GetProperty("type").GetString() == "line.cross"),
                TimeSpan.FromSeconds(EventTimeout / 1000), "a zone entry and a line crossing in the history");
            var errors = new List<string>();
            var page = await OpenAsync(errors);
            var eventsUrl = $"/api/cameras/{Camera}/events";
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            page.RequestFailed += (_, request) =>
            {
                if (new Uri(request.Url).AbsolutePath == eventsUrl)
                {
                    closed.TrySetResult();
                }
            };
            page.RequestFinished += (_, request) =>
            {
                if (new Uri(request.Url).AbsolutePath == eventsUrl)
                {
                    closed.TrySetResult();
                }
            };
            await page.WaitForFunctionAsync(
                "() => { const types = new Set([...document.querySelectorAll('#event-rows tr')].map((r) => r.dataset.type)); return types.has('zone.enter') && types.has('line.cross'); }",
                null, new() { Timeout = EventTimeout, PollingInterval = 200 });

            // One type at a time: only its rows, and all of them come back with "all".
            var filter = page.Locator("#events-filter");
            foreach (var type in new[] { "line.cross", "zone.enter" })
            {
                await filter.SelectOptionAsync(type);
                await page.WaitForFunctionAsync(
                    $"() => {{ const rows = [...document.querySelectorAll('#event-rows tr')]; return rows.length > 0 && rows.every((r) => r.dataset.type === '{type}'); }}",
                    null, new() { Timeout = Timeout, PollingInterval = 100 });
            }

            await filter.SelectOptionAsync(string.Empty);
            await page.WaitForFunctionAsync(
                "() => new Set([...document.querySelectorAll('#event-rows tr')].map((r) => r.dataset.type)).size >= 2",
                null, new() { Timeout = Timeout, PollingInterval = 100 });

            // Another camera: the old camera's stream is closed and its rows go; back again, its history comes back.
            await page.Locator("#camera-rows tr[data-camera-id='quiet'] .camera-name").ClickAsync();
            await Expect(page.Locator("#event-rows")).ToHaveAttributeAsync("data-camera", "quiet", new() { Timeout = Timeout });
            await Expect(page.Locator("#event-rows tr")).ToHaveCountAsync(0, new() { Timeout = Timeout });
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(Timeout / 1000));
            await Expect(page.Locator("#events-empty")).ToBeVisibleAsync();

            await page.Locator($"#camera-rows tr[data-camera-id='{Camera}'] .camera-name").ClickAsync();
            await Expect(page.Locator("#event-rows tr").First).ToBeVisibleAsync(new() { Timeout = Timeout });
            Assert.Empty(await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#event-rows tr')].map((r) => r.dataset.key).filter((k, i, all) => all.indexOf(k) !== i)"));
            await page.CloseAsync();
            Assert.Empty(errors);
        }
        finally
        {
            using var removed = await fixture.Gateway.Client.DeleteAsync(new Uri("/api/cameras/quiet", UriKind.Relative));
            await SetSceneAsync([], []);
        }
    }

    [Fact]
    public async Task The_occupancy_chart_plots_the_objects_in_a_zone_with_its_numbers_as_text()
    {
        await SetSceneAsync([WholePicture], []);
        try
        {
            var errors = new List<string>();
            var page = await OpenAsync(errors);
            var tab = page.GetByRole(AriaRole.Tab, new() { Name = "Zones" });
            await tab.ClickAsync();
            await Expect(tab).ToHaveAttributeAsync("aria-selected", "true");
            await Expect(page.Locator("#occupancy-chart")).ToBeVisibleAsync();
            await Expect(page.Locator("#counts-chart")).ToBeHiddenAsync();
            await Expect(page.Locator("#chart-title")).ToHaveTextAsync("Objects in zones");

            // The demo video has objects in the picture most of the time: the zone over all of it counts some.
            await page.WaitForFunctionAsync(
                "() => Number(document.getElementById('occupancy-chart').dataset.points) > 0 && document.querySelector(\"#occupancy-legend li[data-series='all']\") !== null",
                null, new() { Timeout = EventTimeout, PollingInterval = 500 });
            await Expect(page.Locator("#occupancy-legend li[data-series='all']")).ToContainTextAsync(OccupancyText());
            await Expect(page.Locator("#occupancy-chart")).ToHaveAttributeAsync("aria-label", OccupancyLabel());
            await ScreenshotAsync(page, "dashboard-occupancy.png");

            // Back to the detections chart: it is still there and drawn.
            await page.GetByRole(AriaRole.Tab, new() { Name = "Detections" }).ClickAsync();
            await Expect(page.Locator("#counts-chart")).ToBeVisibleAsync();
            await Expect(page.Locator("#chart-title")).ToHaveTextAsync("Detections per minute");
            await page.CloseAsync();
            Assert.Empty(errors);
        }
        finally
        {
            await SetSceneAsync([], []);
        }
    }

    private sealed record LogRow(string Key, string Type, string Name, string Label, int TrackId, string Direction, string At, string Time, string Event, string Track, string Dwell);

    private static async Task<List<LogRow>> LogRowsAsync(IPage page, string selector)
    {
        var rows = await page.EvaluateAsync<JsonElement>($$"""
            () => [...document.querySelectorAll("#event-rows {{selector}}")].map((r) => ({
              key: r.dataset.key, type: r.dataset.type, name: r.dataset.name, label: r.dataset.label, track: Number(r.dataset.track),
              direction: r.dataset.direction ?? '', at: r.dataset.at, cells: [...r.cells].map((c) => c.textContent),
            }))
            """);
        return [.. rows.EnumerateArray().Select(r =>
        {
            var cells = r.GetProperty("cells").EnumerateArray().Select(c => c.GetString() ?? string.Empty).ToArray();
            Assert.Equal(6, cells.Length);
            return new LogRow(
                r.GetProperty("key").GetString()!, r.GetProperty("type").GetString()!, r.GetProperty("name").GetString()!, r.GetProperty("label").GetString()!,
                r.GetProperty("track").GetInt32(), r.GetProperty("direction").GetString()!, r.GetProperty("at").GetString()!,
                cells[0], cells[1], cells[4], cells[5]);
        })];
    }

    private static void AssertSameEvent(JsonElement stored, LogRow row)
    {
        Assert.Equal(stored.GetProperty("type").GetString(), row.Type);
        Assert.Equal(stored.GetProperty("name").GetString(), row.Name);
        Assert.Equal(stored.GetProperty("label").GetString(), row.Label);
        Assert.Equal(stored.GetProperty("trackId").GetInt32(), row.TrackId);
        var direction = stored.TryGetProperty("direction", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : string.Empty;
        Assert.Equal(direction, row.Direction);
    }

    private static string Key(JsonElement e) =>
        $"{e.GetProperty("position").GetString()}:{e.GetProperty("index").GetInt32().ToString(CultureInfo.InvariantCulture)}";

    private static long Position(JsonElement e) => long.Parse(e.GetProperty("position").GetString()!, CultureInfo.InvariantCulture);

    private async Task<List<JsonElement>> HistoryAsync(string query)
    {
        var from = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture);
        var events = await fixture.Gateway.Client.GetFromJsonAsync<JsonElement>(
            $"/api/cameras/{Camera}/events/history?limit=10000&from={Uri.EscapeDataString(from)}&{query}");
        return [.. events.EnumerateArray().Select(e => e.Clone())];
    }

    private async Task<JsonElement> CameraAsync() => await fixture.Gateway.Client.GetFromJsonAsync<JsonElement>($"/api/cameras/{Camera}");

    private async Task SetSceneAsync(object[] zones, object[] lines)
    {
        using var response = await fixture.Gateway.Client.PatchAsJsonAsync(new Uri($"/api/cameras/{Camera}", UriKind.Relative), new { zones, lines });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<IPage> OpenAsync(List<string> errors)
    {
        var page = await _pages.NewAsync(errors);
        var response = await page.GotoAsync(new Uri(fixture.Gateway.BaseAddress, $"#camera={Camera}").ToString());
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        return page;
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var shot = Path.Combine(AppContext.BaseDirectory, "TestResults", name);
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new() { Path = shot });
        output.WriteLine($"screenshot: {shot}");
    }

    [GeneratedRegex(@"^Line crossings in the last 10 minutes: door in \d+, out \d+$")]
    private static partial Regex CrossingsLabel();

    [GeneratedRegex(@"^all: \d+ now, peak [1-9]\d*$")]
    private static partial Regex OccupancyText();

    [GeneratedRegex(@"^Objects in each zone over the last 10 minutes: all now \d+, peak [1-9]\d*$")]
    private static partial Regex OccupancyLabel();
}
