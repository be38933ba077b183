using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// Hundreds of generated bad requests (random JSON, wrong types, huge numbers, unicode, bad ids, path traversal,
/// bad query values, junk images): every one is a 4xx, none a 5xx, and the service keeps serving afterwards.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class MalformedRequestTests(GatewayFixture gateway)
{
    private static readonly string[] Junk =
    [
        "", " ", "null", "-1", "1e309", "NaN", "-Infinity", "99999999999999999999999", "0x10", "\u00e9\u00e8", "\U0001F600",
        "%00", "../../etc/passwd", "..%2F..%2Fetc", "<script>", "' OR 1=1 --", "\t\n", new string('9', 400), "2026-02-30T25:61:00Z",
        "true", "[]", "{}", "\u202e", "a,b,,,", "1/0", "-0", "5x", "1e3m",
    ];

    [Fact]
    public async Task Generated_bad_requests_are_4xx_and_the_service_keeps_serving()
    {
        var random = new Random(20261121);
        var requests = new List<Func<HttpRequestMessage>>();
        for (var i = 0; i < 90; i++)
        {
            var body = InvalidCameraBody(random);
            requests.Add(() => Json(HttpMethod.Post, "/api/cameras", body));
        }

        for (var i = 0; i < 30; i++)
        {
            var body = RandomJson(random, 3);
            var id = Uri.EscapeDataString(Pick(random, Junk) + random.Next());
            var method = i % 2 == 0 ? HttpMethod.Put : HttpMethod.Patch;
            requests.Add(() => Json(method, $"/api/cameras/{id}", body));
        }

        foreach (var junk in Junk)
        {
            var value = Uri.EscapeDataString(junk);
            requests.Add(() => new HttpRequestMessage(HttpMethod.Get, $"/api/cameras/{GatewayFixture.CameraId}/history?from={value}x"));
            requests.Add(() => new HttpRequestMessage(HttpMethod.Get, $"/api/cameras/{GatewayFixture.CameraId}/history?limit={value}x"));
            requests.Add(() => new HttpRequestMessage(HttpMethod.Get, $"/api/stats?bucket={value}q"));
            requests.Add(() => new HttpRequestMessage(HttpMethod.Get, $"/api/cameras/{GatewayFixture.CameraId}/detections?minScore={value}x"));
            requests.Add(() => new HttpRequestMessage(HttpMethod.Get, $"/api/detections?cameras={GatewayFixture.CameraId}&onlyWithDetections={value}x"));
            requests.Add(() => new HttpRequestMessage(HttpMethod.Get, $"/api/cameras/{value}zz/snapshot.jpg"));
            requests.Add(() => new HttpRequestMessage(HttpMethod.Get, $"/api/cameras/{value}zz"));
            requests.Add(() => Image($"/api/detect?minScore={value}x", "image/png", [1, 2, 3]));
        }

        for (var i = 0; i < 25; i++)
        {
            var bytes = new byte[random.Next(0, 4096)];
            random.NextBytes(bytes);
            var type = Pick(random, ["image/png", "image/jpeg", "application/json", "text/plain", "image/gif", "multipart/form-data; boundary=x"]);
            requests.Add(() => Image("/api/detect", type, bytes));
        }

        Assert.True(requests.Count >= 200, $"only {requests.Count} requests");
        var failures = new List<string>();
        foreach (var batch in requests.Chunk(8))
        {
            var results = await Task.WhenAll(batch.Select(async make =>
            {
                using var request = make();
                var description = $"{request.Method} {request.RequestUri}";
                using var response = await gateway.Admin.SendAsync(request);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                return status is >= 400 and < 500 && !text.Contains("   at ", StringComparison.Ordinal) ? null : $"{description} -> {status} {text[..Math.Min(200, text.Length)]}";
            }));
            failures.AddRange(results.Where(r => r is not null)!);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));

        using var health = await gateway.Anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var cameras = await gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras");
        Assert.Contains(cameras.EnumerateArray(), c => c.GetProperty("id").GetString() == GatewayFixture.CameraId);
        Assert.DoesNotContain(cameras.EnumerateArray(), c => c.GetProperty("id").GetString()!.StartsWith("fz", StringComparison.Ordinal));
    }

    /// <summary>A camera body that is wrong in at least one way (so it can never be accepted).</summary>
    private string InvalidCameraBody(Random random)
    {
        var id = random.Next(4) == 0 ? Pick(random, Junk) : $"fz{random.Next()}";
        string[] badUrls =
        [
            "/etc/passwd", gateway.MediaDirectory + "/../../etc/passwd", "file:///etc/passwd", "ftp://h/x.mp4", "rtsp://", "http://[::1",
            "javascript:alert(1)", "\\\\server\\share\\x.mp4", gateway.MediaDirectory + "/missing-\u00e9\U0001F600.mp4", new string('u', 5000),
        ];
        var fields = new Dictionary<string, object?>
        {
            ["id"] = id,
            ["url"] = random.Next(3) == 0 ? gateway.Clip : Pick(random, badUrls),
        };
        switch (random.Next(8))
        {
            case 0: fields["fps"] = Pick<object>(random, [0, -1, 1e308, 61, "fast", true]); break;
            case 1: fields["minScore"] = Pick<object>(random, [2, -0.5, "high", 1e100]); break;
            case 2: fields["model"] = Pick<object>(random, ["nope", "../models/x", "", 5, "\u00e9"]); break;
            case 3: fields["classes"] = Pick<object>(random, [new[] { "zebra" }, 7, "a", new object?[] { null }, new[] { "" }]); break;
            case 4: fields["enabled"] = Pick<object>(random, ["yes", 1, new[] { true }]); break;
            case 5: fields["id"] = Pick<object>(random, [12, new[] { "x" }, "", "a b", "../x", new string('i', 70)]); break;
            case 6: fields["url"] = Pick<object>(random, [42, false, new[] { "x" }]); break;
            default: fields[Pick(random, Junk) + "extra"] = RandomJsonValue(random, 2); fields["fps"] = 1000; break;
        }

        var text = JsonSerializer.Serialize(fields);
        return random.Next(10) == 0 ? text[..random.Next(1, text.Length)] : text; // sometimes cut short
    }

    private static string RandomJson(Random random, int depth) => JsonSerializer.Serialize(RandomJsonValue(random, depth));

    private static object? RandomJsonValue(Random random, int depth) => random.Next(depth <= 0 ? 5 : 7) switch
    {
        0 => null,
        1 => random.NextDouble() * Math.Pow(10, random.Next(-5, 300)),
        2 => Pick(random, Junk),
        3 => random.Next(2) == 0,
        4 => long.MinValue + random.Next(),
        5 => Enumerable.Range(0, random.Next(4)).Select(_ => RandomJsonValue(random, depth - 1)).ToArray(),
        _ => Enumerable.Range(0, random.Next(4)).ToDictionary(
            k => Pick(random, ["id", "url", "fps", "model", "minScore", "classes", "enabled", "x"]) + (k == 0 ? string.Empty : k.ToString(CultureInfo.InvariantCulture)),
            _ => RandomJsonValue(random, depth - 1)),
    };

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static HttpRequestMessage Json(HttpMethod method, string route, string body) =>
        new(method, route) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static HttpRequestMessage Image(string route, string contentType, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpRequestMessage(HttpMethod.Post, route) { Content = content };
    }
}
