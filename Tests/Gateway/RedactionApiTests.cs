using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// Credentials in camera URLs never come back: not in a 201 or a 400 body, not in GET /api/cameras, not in a
/// camera's <c>lastError</c>, not in the service's log. Cameras are registered disabled so nothing connects, except
/// one that fails against a loopback server answering 404 to produce a <c>lastError</c> quoting its URL.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class RedactionApiTests(GatewayFixture gateway)
{
    private const string UrlMask = "***";

    // Distinctive pieces: none may appear anywhere the test looks.
    private static readonly string[] Pieces = ["Vq8rLw", "Hx3tNb", "Pj6sDk"];

    private static readonly string Secret = $"{Pieces[0]} {Pieces[1]}@{Pieces[2]}";

    public static TheoryData<string, string> Urls => new()
    {
        { "r1", $"rtsp://admin:{Secret}@127.0.0.1:9/live" },
        { "r2", $"rtsp://admin:{Uri.EscapeDataString(Secret)}@127.0.0.1:9/live" },
        { "r3", $"rtsp://127.0.0.1:9/live?user=admin&password={Uri.EscapeDataString(Secret)}" },
        { "r4", $"http://127.0.0.1:9/video.mjpg?PWD={Secret}" },
        { "r5", $"https://127.0.0.1:9/video.mjpg?channel=1&access_token={Uri.EscapeDataString(Secret)}&x=1" },
        { "r6", $"rtsps://127.0.0.1:9/live?%6Bey={Uri.EscapeDataString(Secret)}" },
        { "r7", $"rtsp//admin:{Secret}@127.0.0.1:9/live" },
        { "r8", $"rtsp:/admin:{Secret}@127.0.0.1:9/live" },
        { "r9", $"rtsp:admin:{Uri.EscapeDataString(Secret)}@127.0.0.1:9/live" },
        { "r10", $"ftp://admin:{Secret}@127.0.0.1:9/live" },
        { "r11", $"rtsp://admin:{Secret}@127.0.0.1:9/live\u0001" },
    };

    [Theory]
    [MemberData(nameof(Urls))]
    public async Task A_registered_or_refused_url_never_shows_its_secret(string suffix, string url)
    {
        var id = "redact-" + suffix;
        using var created = await gateway.Admin.PostAsJsonAsync("/api/cameras", new { id, url, enabled = false });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"{(int)created.StatusCode}: {body}");
        AssertNoSecret(body, "the POST answer");
        if (created.StatusCode == HttpStatusCode.BadRequest)
        {
            // A refusal still says what was wrong with the URL, masked.
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), body);
        }
        else
        {
            Assert.Contains(UrlMask, body, StringComparison.Ordinal);
            AssertNoSecret(await gateway.Viewer.GetStringAsync($"/api/cameras/{id}"), "GET /api/cameras/{id}");
            using var replaced = await gateway.Admin.PutAsJsonAsync($"/api/cameras/{id}", new { url, enabled = false, fps = 2 });
            AssertNoSecret(await replaced.Content.ReadAsStringAsync(), "the PUT answer");
        }

        AssertNoSecret(await gateway.Viewer.GetStringAsync("/api/cameras"), "GET /api/cameras");
        AssertNoSecret(gateway.Service.Output, "the service log");
        using var deleted = await gateway.Admin.DeleteAsync($"/api/cameras/{id}");
    }

    [Fact]
    public async Task A_failing_camera_keeps_its_secret_out_of_last_error_and_the_log()
    {
        // A live server that answers every request with 404: the probe passes (any status line means alive), and
        // OpenCV's open then fails with a message quoting the URL.
        using var server = new MjpegTestServer(refuseWith: "404 Not Found");
        var url = $"http://127.0.0.1:{server.Port}/video.mjpg?user=admin&token={Uri.EscapeDataString(Secret)}";
        using var created = await gateway.Admin.PostAsJsonAsync("/api/cameras", new { id = "redact-live", url, fps = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        try
        {
            var camera = await Eventually.UntilAsync(
                () => gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras/redact-live"),
                c => c.TryGetProperty("lastError", out var error) && error.ValueKind == JsonValueKind.String,
                TimeSpan.FromSeconds(60),
                "the camera reports why it cannot open");
            AssertNoSecret(camera.ToString(), "the camera's status");
            AssertNoSecret(await gateway.Viewer.GetStringAsync("/api/cameras"), "GET /api/cameras");
            AssertNoSecret(gateway.Service.Output, "the service log");
        }
        finally
        {
            using var deleted = await gateway.Admin.DeleteAsync("/api/cameras/redact-live");
        }
    }

    private static void AssertNoSecret(string text, string where)
    {
        var decoded = Uri.UnescapeDataString(text);
        foreach (var piece in Pieces)
        {
            Assert.False(text.Contains(piece, StringComparison.OrdinalIgnoreCase) || decoded.Contains(piece, StringComparison.OrdinalIgnoreCase),
                $"{where} shows the secret: {text[..Math.Min(text.Length, 4000)]}");
        }
    }
}
