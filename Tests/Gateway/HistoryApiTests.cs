using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>GET /api/cameras/{id}/history and GET /api/stats over the fixture camera's stored frames.</summary>
[Collection(SharedGateway.Name)]
public sealed class HistoryApiTests(GatewayFixture gateway)
{
    [Fact]
    public async Task History_returns_stored_frames_in_range_oldest_first()
    {
        var entries = (await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{GatewayFixture.CameraId}/history?limit=50")).EnumerateArray().ToList();
        Assert.InRange(entries.Count, 5, 50);
        var positions = entries.Select(e => long.Parse(e.GetProperty("position").GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(positions.Order(), positions);

        // A window around the middle frame holds it and nothing outside the window.
        var middle = entries[entries.Count / 2].GetProperty("frame").GetProperty("timestamp").GetDateTimeOffset();
        var from = Iso(middle.AddMilliseconds(-1));
        var to = Iso(middle.AddMilliseconds(1));
        var window = (await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{GatewayFixture.CameraId}/history?from={from}&to={to}")).EnumerateArray().ToList();
        Assert.NotEmpty(window);
        Assert.All(window, e => Assert.InRange(e.GetProperty("frame").GetProperty("timestamp").GetDateTimeOffset(), middle.AddMilliseconds(-1), middle.AddMilliseconds(1)));

        var limited = await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{GatewayFixture.CameraId}/history?limit=2");
        Assert.Equal(2, limited.GetArrayLength());

        var onlyA = await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{GatewayFixture.CameraId}/history?classes=a&limit=5");
        Assert.NotEqual(0, onlyA.GetArrayLength());
        Assert.All(onlyA.EnumerateArray(), e => Assert.All(e.GetProperty("frame").GetProperty("detections").EnumerateArray(), d => Assert.Equal("a", d.GetProperty("label").GetString())));

        var past = await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{GatewayFixture.CameraId}/history?from=2001-01-01T00:00:00Z&to=2001-01-02T00:00:00Z");
        Assert.Equal(0, past.GetArrayLength());
    }

    [Theory]
    [InlineData("from=yesterday")]
    [InlineData("to=2026-13-45T00:00:00Z")]
    [InlineData("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("limit=0")]
    [InlineData("limit=-5")]
    [InlineData("limit=99999999999")]
    [InlineData("limit=ten")]
    public async Task History_rejects_bad_query_values(string query)
    {
        using var response = await gateway.Viewer.GetAsync($"/api/cameras/{GatewayFixture.CameraId}/history?{query}");
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        var field = query.Split('=')[0];
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_of_an_unknown_camera_is_404()
    {
        using var response = await gateway.Viewer.GetAsync("/api/cameras/nope/history");
        await Problem.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stats_count_detections_per_class_per_bucket()
    {
        var to = DateTimeOffset.UtcNow.AddSeconds(1);
        var from = to.AddMinutes(-10);
        var stats = await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/stats?cameras={GatewayFixture.CameraId}&from={Iso(from)}&to={Iso(to)}&bucket=10s");
        Assert.Equal(10, stats.GetProperty("bucketSeconds").GetDouble());
        var buckets = stats.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(60, buckets.Count);
        long frames = 0, b = 0;
        foreach (var bucket in buckets)
        {
            frames += bucket.GetProperty("frames").GetInt64();
            if (bucket.GetProperty("counts").TryGetProperty("b", out var count))
            {
                b += count.GetInt64();
            }
        }

        // The camera's minScore is 0, so every frame has the tiny model's class-b box: counts follow frames.
        Assert.True(frames > 0);
        Assert.True(b >= frames, $"b {b} frames {frames}");
        Assert.Equal(b, stats.GetProperty("totals").GetProperty("b").GetInt64());

        var defaults = await gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/stats");
        Assert.Equal(60, defaults.GetProperty("bucketSeconds").GetDouble());
        Assert.Equal(60, defaults.GetProperty("buckets").GetArrayLength());
        Assert.Contains(defaults.GetProperty("cameras").EnumerateArray(), c => c.GetString() == GatewayFixture.CameraId);
    }

    [Theory]
    [InlineData("bucket=0s")]
    [InlineData("bucket=soon")]
    [InlineData("bucket=1s")] // an hour of 1 s buckets is more than the cap
    [InlineData("bucket=-5m")]
    [InlineData("from=noon")]
    [InlineData("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("groupBy=camera")]
    [InlineData("groupBy=zones")]
    public async Task Stats_reject_nonsense(string query)
    {
        using var response = await gateway.Viewer.GetAsync($"/api/stats?{query}");
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        if (query.StartsWith("groupBy", StringComparison.Ordinal))
        {
            Assert.StartsWith("groupBy", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stats_by_class_are_the_default_and_by_zone_or_line_another_shape()
    {
        // Shapes, not counts compared across requests: the fixture camera writes 25 frames a second into a history
        // capped at 200, so any window but the newest seconds loses frames between two requests.
        var query = $"/api/stats?cameras={GatewayFixture.CameraId}&from={Iso(DateTimeOffset.UtcNow.AddMinutes(-2))}";
        foreach (var byClass in new[] { query, query + "&groupBy=class", query + "&groupBy=CLASS" })
        {
            var stats = await gateway.Viewer.GetFromJsonAsync<JsonElement>(byClass);
            Assert.False(stats.TryGetProperty("groupBy", out _), byClass); // the shape /api/stats always had
            Assert.True(stats.GetProperty("totals").GetProperty("b").GetInt64() > 0, byClass);
        }

        // The fixture camera has no zones or lines: its frames are counted, and no zone or line.
        foreach (var groupBy in new[] { "line", "zone" })
        {
            var stats = await gateway.Viewer.GetFromJsonAsync<JsonElement>($"{query}&groupBy={groupBy}");
            Assert.Equal(groupBy, stats.GetProperty("groupBy").GetString());
            Assert.Empty(stats.GetProperty("totals").EnumerateObject());
            Assert.True(stats.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("frames").GetInt64()) > 0);
            Assert.All(stats.GetProperty("buckets").EnumerateArray(), b => Assert.Empty(b.GetProperty("counts").EnumerateObject()));
        }
    }

    [Fact]
    public async Task Stats_of_an_unknown_camera_is_404()
    {
        using var response = await gateway.Viewer.GetAsync("/api/stats?cameras=nope");
        await Problem.AssertAsync(response, HttpStatusCode.NotFound);
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
}
