using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>/metrics (OpenTelemetry's Prometheus exporter) with our, the runtime's and HTTP series, and the OpenAPI document.</summary>
[Collection(SharedGateway.Name)]
public sealed partial class TelemetryApiTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Metrics_are_prometheus_text_with_counters_histograms_and_gauges()
    {
        var text = await Eventually.UntilAsync(
            () => gateway.Viewer.GetStringAsync("/metrics"),
            // An earlier, completed scrape shows up in the HTTP request durations of the route /metrics itself.
            t => t.Contains("va_inference_queue_depth", StringComparison.Ordinal) && MetricsRequestCount().IsMatch(t),
            TimeSpan.FromSeconds(20),
            "metrics show the pipeline and HTTP instruments");

        Assert.Contains("# TYPE va_camera_frames_processed_total counter", text, StringComparison.Ordinal);
        var processed = Regex.Match(text, "^va_camera_frames_processed_total\\{camera=\"cam1\"\\} (\\d+)$", RegexOptions.Multiline);
        Assert.True(processed.Success, text);
        Assert.True(long.Parse(processed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Matches("(?m)^va_detections_total\\{camera=\"cam1\",class=\"b\"\\} \\d+$", text);

        Assert.Contains("# TYPE va_inference_latency_milliseconds histogram", text, StringComparison.Ordinal);
        Assert.Matches("(?m)^va_inference_latency_milliseconds_bucket\\{device=\"cpu\",model=\"refinedet-lite-320\",le=\"\\+Inf\"\\} \\d+$", text);
        Assert.Matches("(?m)^va_inference_latency_milliseconds_count\\{device=\"cpu\",model=\"refinedet-lite-320\"\\} \\d+$", text);
        Assert.Matches("(?m)^va_inference_latency_milliseconds_sum\\{[^}]*\\} [0-9.eE+-]+$", text);
        Assert.Contains("# TYPE va_inference_queue_depth gauge", text, StringComparison.Ordinal);
        Assert.Matches("(?m)^va_inference_batch_size_bucket\\{device=\"cpu\",le=\"8\"\\} \\d+$", text);

        // The runtime's and ASP.NET Core's instruments, named by the exporter's conventions.
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", text, StringComparison.Ordinal);
        Assert.Matches("(?m)^dotnet_process_memory_working_set_bytes(\\{\\})? [0-9.eE+]+$", text); // the exporter writes {} for no labels
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Matches("(?m)^target_info\\{[^}]*service_name=\"videoanalytics\"", text);

        // Orleans' own runtime instruments (the co-hosted silo's).
        Assert.Matches("(?m)^# TYPE orleans_\\w+", text);

        // Every sample line is well formed, and buckets are cumulative.
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(line.StartsWith('#') || SampleLine().IsMatch(line), $"malformed line: {line}");
        }

        var buckets = Regex.Matches(text, "^va_inference_latency_milliseconds_bucket\\{device=\"cpu\",model=\"refinedet-lite-320\",le=\"[^\"]+\"\\} (\\d+)$", RegexOptions.Multiline)
            .Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(buckets.Count > 5);
        Assert.Equal(buckets.Order(), buckets);
    }

    [Fact]
    public async Task Openapi_document_lists_the_routes()
    {
        using var response = await gateway.Anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/cameras", "/api/cameras/{id}", "/api/cameras/{id}/detections", "/api/detections", "/ws/detections",
            "/api/cameras/{id}/history", "/api/stats", "/api/detect", "/api/cameras/{id}/snapshot.jpg", "/api/cameras/{id}/live.mjpeg", "/metrics",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }

        var detect = paths.GetProperty("/api/detect").GetProperty("post");
        Assert.Equal("DetectImage", detect.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrEmpty(detect.GetProperty("summary").GetString()));
    }

    [GeneratedRegex("(?m)^http_server_request_duration_seconds_count\\{[^}]*http_route=\"/metrics\"[^}]*\\} [1-9]\\d*$")]
    private static partial Regex MetricsRequestCount();

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? ([0-9.eE+-]+|\\+Inf|-Inf|NaN)$")]
    private static partial Regex SampleLine();
}
