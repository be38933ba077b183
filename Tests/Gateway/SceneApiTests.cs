using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>A camera's zones and counting lines through /api/cameras: stored and shown as sent, each bad one a 400 naming its field.</summary>
[Collection(SharedGateway.Name)]
public sealed class SceneApiTests(GatewayFixture gateway)
{
    private const string Bay = """{"name":"loading bay","polygon":[[0.1,0.5],[0.6,0.5],[0.6,0.95],[0.1,0.95]],"classes":["a"]}""";
    private const string Door = """{"name":"door","from":[0.2,0.4],"to":[0.8,0.4],"point":"center"}""";

    [Fact]
    public async Task Zones_and_lines_round_trip_and_patch_keeps_or_replaces_them()
    {
        var body = $$"""{"id":"scene-1","url":"{{Clip()}}","enabled":false,"zones":[{{Bay}}],"lines":[{{Door}}]}""";
        using var created = await gateway.Admin.PostAsync("/api/cameras", Json(body));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        try
        {
            var read = await gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras/scene-1");
            var zone = Assert.Single(read.GetProperty("zones").EnumerateArray());
            Assert.Equal("loading bay", zone.GetProperty("name").GetString());
            Assert.Equal("[[0.1,0.5],[0.6,0.5],[0.6,0.95],[0.1,0.95]]", zone.GetProperty("polygon").GetRawText());
            Assert.Equal("a", zone.GetProperty("classes")[0].GetString());
            Assert.Equal("bottomCenter", zone.GetProperty("point").GetString());
            var line = Assert.Single(read.GetProperty("lines").EnumerateArray());
            Assert.Equal("[0.2,0.4]", line.GetProperty("from").GetRawText());
            Assert.Equal("[0.8,0.4]", line.GetProperty("to").GetRawText());
            Assert.Equal("center", line.GetProperty("point").GetString());
            // A camera switched off counts nothing.
            Assert.Equal("{}", read.GetProperty("scene").GetProperty("occupancy").GetRawText());
            Assert.Equal("{}", read.GetProperty("scene").GetProperty("lines").GetRawText());

            // A PATCH that names neither keeps both; an empty list removes one.
            using var patched = await gateway.Admin.PatchAsJsonAsync("/api/cameras/scene-1", new { fps = 2 });
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            read = await gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras/scene-1");
            Assert.Equal(1, read.GetProperty("zones").GetArrayLength());
            Assert.Equal(1, read.GetProperty("lines").GetArrayLength());
            using var cleared = await gateway.Admin.PatchAsync("/api/cameras/scene-1", Json("""{"zones":[]}"""));
            Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
            read = await gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras/scene-1");
            Assert.Equal(0, read.GetProperty("zones").GetArrayLength());
            Assert.Equal(1, read.GetProperty("lines").GetArrayLength());
        }
        finally
        {
            using var _ = await gateway.Admin.DeleteAsync("/api/cameras/scene-1");
        }
    }

    [Fact]
    public async Task Zone_occupancy_shows_in_metrics_and_leaves_with_the_zone_and_with_the_camera()
    {
        // A zone over the whole frame, counting by box centres: the tiny model's boxes on the grey clip (the same on every
        // frame) that start tracks are one of class a (0.7) and one of b (0.8) — the third, a at 0.5, is under the
        // tracker's new-track score — and both reach the frame's bottom edge, on the zone's border, hence the centres.
        const string Id = "scene-metrics";
        const string All = """{"name":"all","polygon":[[0,0],[1,0],[1,1],[0,1]],"point":"center"}""";
        var body = $$"""{"id":"{{Id}}","url":"{{Clip()}}","fps":10,"minScore":0.0,"zones":[{{All}}]}""";
        using (var created = await gateway.Admin.PostAsync("/api/cameras", Json(body)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        try
        {
            var camera = await Eventually.UntilAsync(
                () => gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{Id}"),
                c => c.GetProperty("scene").GetProperty("occupancy").TryGetProperty("all", out var zone) && zone.EnumerateObject().Any(),
                Timeout, "the zone counts the camera's objects");
            var expected = camera.GetProperty("scene").GetProperty("occupancy").GetProperty("all").EnumerateObject()
                .ToDictionary(p => p.Name, p => (long)p.Value.GetInt32());
            Assert.Equal(new Dictionary<string, long> { ["a"] = 1, ["b"] = 1 }, expected);
            var text = await Eventually.UntilAsync(
                () => gateway.Viewer.GetStringAsync("/metrics"),
                t => Occupancy(t, Id).Count > 0,
                Timeout, "the zone's occupancy in /metrics");
            Assert.Contains("# TYPE va_zone_occupancy gauge", text, StringComparison.Ordinal);
            var shown = Occupancy(text, Id);
            Assert.All(shown.Keys, key => Assert.Equal("all", key.Zone));
            Assert.Equal(expected, shown.ToDictionary(p => p.Key.Class, p => p.Value));

            // The zone removed: its series go with it, while the camera's other series stay.
            using (var cleared = await gateway.Admin.PatchAsync($"/api/cameras/{Id}", Json("""{"zones":[]}""")))
            {
                Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
            }

            text = await Eventually.UntilAsync(
                () => gateway.Viewer.GetStringAsync("/metrics"), t => Occupancy(t, Id).Count == 0, Timeout, "the removed zone's series leave /metrics");
            Assert.Contains($"va_camera_frames_processed_total{{camera=\"{Id}\"}}", text, StringComparison.Ordinal);

            // Drawn again, then the camera deleted: the series leave with the camera.
            using (var again = await gateway.Admin.PatchAsync($"/api/cameras/{Id}", Json($$"""{"zones":[{{All}}]}""")))
            {
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            }

            await Eventually.UntilAsync(
                () => gateway.Viewer.GetStringAsync("/metrics"), t => Occupancy(t, Id).Count > 0, Timeout, "the zone drawn again counts in /metrics");
        }
        finally
        {
            using var _ = await gateway.Admin.DeleteAsync($"/api/cameras/{Id}");
        }

        await Eventually.UntilAsync(
            () => gateway.Viewer.GetStringAsync("/metrics"), t => Occupancy(t, Id).Count == 0, Timeout, "the deleted camera's occupancy leaves /metrics");
    }

    public static TheoryData<string, string> InvalidScenes => new()
    {
        // A bow tie: edges 0 and 2 cross.
        { "'zones':[{'name':'z','polygon':[[0.1,0.1],[0.9,0.9],[0.9,0.1],[0.1,0.9]]}]", "zones[0].polygon" },
        // Three points on one line enclose nothing.
        { "'zones':[{'name':'z','polygon':[[0.1,0.1],[0.5,0.5],[0.9,0.9]]}]", "zones[0].polygon" },
        { "'zones':[{'name':'z','polygon':[[0.1,0.1],[0.5,0.1]]}]", "zones[0].polygon" },
        { "'zones':[{'name':'z','polygon':[[0.1,0.1],[1.5,0.1],[0.5,0.9]]}]", "zones[0].polygon" },
        { "'zones':[{'name':'z','polygon':[[0.1,0.1],[-0.1,0.1],[0.5,0.9]]}]", "zones[0].polygon" },
        { "'zones':[{'name':'z','polygon':[[0.1,0.1,0.3],[0.9,0.1],[0.5,0.9]]}]", "zones[0].polygon" },
        { "'zones':[{'name':'z','polygon':[[0.1,0.1],[0.1,0.1],[0.9,0.1],[0.5,0.9]]}]", "zones[0].polygon" },
        { "'zones':[{'polygon':[[0.1,0.1],[0.9,0.1],[0.5,0.9]]}]", "zones[0].name" },
        { "'zones':[{'name':' spaced ','polygon':[[0.1,0.1],[0.9,0.1],[0.5,0.9]]}]", "zones[0].name" },
        { "'zones':[{'name':'z','polygon':[[0.1,0.1],[0.9,0.1],[0.5,0.9]],'classes':['zebra']}]", "zones[0].classes" },
        { "'zones':[null]", "zones[0]" },
        // Names are unique across zones and lines: events and queries name one by it.
        { "'zones':[{'name':'same','polygon':[[0.1,0.1],[0.9,0.1],[0.5,0.9]]}],'lines':[{'name':'Same','from':[0.1,0.5],'to':[0.9,0.5]}]", "lines[0].name" },
        { "'lines':[{'name':'l','from':[0.5,0.5],'to':[0.5,0.5]}]", "lines[0].to" },
        { "'lines':[{'name':'l','from':[0.5,0.5]}]", "lines[0].to" },
        { "'lines':[{'name':'l','from':[0.5,1.01],'to':[0.5,0.2]}]", "lines[0].from" },
        { "'lines':[{'name':'l','from':[0.1,0.5],'to':[0.9,0.5],'classes':['b']}],'classes':['a']", "lines[0].classes" },
    };

    [Theory]
    [MemberData(nameof(InvalidScenes))]
    public async Task A_bad_zone_or_line_is_a_400_naming_the_field(string fields, string field)
    {
        // The cases quote with ' for readability.
        var body = $$"""{"id":"scene-bad","url":"{{Clip()}}","enabled":false,{{fields.Replace('\'', '"')}}}""";
        using var response = await gateway.Admin.PostAsync("/api/cameras", Json(body));
        await Problem.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task A_wrongly_typed_polygon_is_a_400()
    {
        var body = $$"""{"id":"scene-bad","url":"{{Clip()}}","enabled":false,"zones":[{"name":"z","polygon":"all of it"}]}""";
        using var response = await gateway.Admin.PostAsync("/api/cameras", Json(body));
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // va_zone_occupancy samples of one camera: (zone, class) → value, whatever order the exporter writes the labels in.
    private static Dictionary<(string Zone, string Class), long> Occupancy(string metrics, string camera)
    {
        var result = new Dictionary<(string Zone, string Class), long>();
        foreach (Match sample in Regex.Matches(metrics, @"^va_zone_occupancy\{([^}]*)\} (\d+)$", RegexOptions.Multiline))
        {
            var labels = Regex.Matches(sample.Groups[1].Value, "(\\w+)=\"([^\"]*)\"").ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            if (labels.GetValueOrDefault("camera") == camera)
            {
                result[(labels["zone"], labels["class"])] = long.Parse(sample.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        return result;
    }

    private string Clip() => gateway.Clip.Replace("\\", "\\\\", StringComparison.Ordinal);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
