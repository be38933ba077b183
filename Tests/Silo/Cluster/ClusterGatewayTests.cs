using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Gateway;
using VideoAnalytics.Tests.Silo.Cameras;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>
/// A cluster gateway (<c>Gateway:HostSilo=false</c>) serves what needs a silo through Orleans: one-off detection runs on
/// a silo's inference worker, snapshots and MJPEG come from the camera's grain on the silo running it, camera requests
/// are checked by a silo.
/// </summary>
[Collection(CameraTestGroup.Name)]
public sealed class ClusterGatewayTests
{
    [Fact]
    public async Task Detect_snapshot_and_mjpeg_answer_through_the_silos()
    {
        string[] cameras = ["seen-1"];
        await using var cluster = await TestCluster.StartAsync(silos: 2);
        try
        {
            await cluster.AddCamerasAsync(cameras);
            var owners = await cluster.WaitStreamingAsync(cameras, TimeSpan.FromSeconds(45));
            var client = cluster.Gateway!.Client;

            // One inference grain per silo process (one device each), each on its own silo, the camera on its silo's. A
            // silo activates its grain once its start reaches the Active stage, a moment after it joined the membership
            // (and so could take a camera): on a loaded machine the listing may briefly show one.
            var inference = await Eventually.UntilAsync(
                () => client.GetFromJsonAsync<JsonElement>(new Uri("/api/inference", UriKind.Relative)),
                listed => listed.GetArrayLength() == 2, TimeSpan.FromSeconds(30), "each silo lists its inference grain");
            Assert.Equal(2, inference.EnumerateArray().Select(s => s.GetProperty("silo").GetString()).Distinct().Count());
            var serving = Assert.Single(inference.EnumerateArray(), s => s.GetProperty("cameras").EnumerateArray().Any(c => c.GetString() == "seen-1"));
            Assert.Equal(owners["seen-1"], serving.GetProperty("silo").GetString());

            using (var body = new ByteArrayContent(DetectApiTests.UniformJpeg(100, 50, 100)))
            {
                body.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                using var detected = await client.PostAsync(new Uri("/api/detect?minScore=0.75", UriKind.Relative), body);
                Assert.Equal(HttpStatusCode.OK, detected.StatusCode);
                var frame = await detected.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(100, frame.GetProperty("width").GetInt32());
                Assert.Equal("b", Assert.Single(frame.GetProperty("detections").EnumerateArray()).GetProperty("label").GetString());
            }

            using (var png = new ByteArrayContent("not a picture"u8.ToArray()))
            {
                png.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                using var refused = await client.PostAsync(new Uri("/api/detect", UriKind.Relative), png);
                await Problem.AssertAsync(refused, HttpStatusCode.BadRequest);
            }

            // Camera requests are checked by a silo (the gateway has no models folder or media roots of its own to read):
            // its reasons come back as the 400s the co-hosted gateway answers.
            using (var outside = await client.PostAsJsonAsync("/api/cameras", new { id = "outside", url = "/etc/passwd" }))
            {
                var problem = await Problem.AssertAsync(outside, HttpStatusCode.BadRequest);
                Assert.Contains("outside the media roots", problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
            }

            using (var unknown = await client.PostAsJsonAsync("/api/cameras", new { id = "unknown-model", url = "rtsp://127.0.0.1/x", model = "no-such-model" }))
            {
                var problem = await Problem.AssertAsync(unknown, HttpStatusCode.BadRequest);
                Assert.Contains("model 'no-such-model' not found", problem.GetProperty("errors").GetProperty("model")[0].GetString(), StringComparison.Ordinal);
            }

            // The OpenAPI document describes the detect body as the image it is (it once listed an internal type).
            var openApi = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
            var bodyTypes = openApi.GetProperty("paths").GetProperty("/api/detect").GetProperty("post").GetProperty("requestBody")
                .GetProperty("content").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["image/jpeg", "image/png"], bodyTypes);

            using var snapshot = await client.GetAsync(new Uri("/api/cameras/seen-1/snapshot.jpg", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
            Assert.Equal("image/jpeg", snapshot.Content.Headers.ContentType?.MediaType);
            var jpeg = await snapshot.Content.ReadAsByteArrayAsync();
            Assert.True(jpeg.Length > 100 && jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");

            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var live = await client.GetAsync(new Uri("/api/cameras/seen-1/live.mjpeg", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("multipart/x-mixed-replace", live.Content.Headers.ContentType?.MediaType);
            await using var stream = await live.Content.ReadAsStreamAsync(cancel.Token);
            var parts = await CountPartsAsync(stream, 2, cancel.Token);
            Assert.Equal(2, parts);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(e.Message + "\n" + cluster.Logs(), e);
        }
    }

    // Reads until `wanted` part headers went by (each part starts with the boundary line and its own headers).
    private static async Task<int> CountPartsAsync(Stream stream, int wanted, CancellationToken cancellationToken)
    {
        var seen = 0;
        var text = new System.Text.StringBuilder();
        var buffer = new byte[16 * 1024];
        while (seen < wanted)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            text.Append(System.Text.Encoding.Latin1.GetString(buffer, 0, read));
            seen = CountOf(text.ToString(), "Content-Type: image/jpeg");
        }

        return Math.Min(seen, wanted);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
