using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>Annotated snapshots and MJPEG of the fixture's grey camera, where any colour is a drawn box.</summary>
[Collection(SharedGateway.Name)]
public sealed class LiveApiTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Snapshot_is_a_jpeg_with_the_detections_drawn()
    {
        using var response = await gateway.Viewer.GetAsync($"/api/cameras/{GatewayFixture.CameraId}/snapshot.jpg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        var jpeg = await response.Content.ReadAsByteArrayAsync();
        var layout = ImageCodec.QueryImage(jpeg);
        Assert.Equal((320, 240), (layout.Width, layout.Height));
        var pixels = new byte[layout.RequiredBytes];
        ImageCodec.Decode(jpeg, pixels);

        // Class b's box is (0,120)-(160,239): its right edge is drawn in b's palette colour (BGR 31,112,255).
        // JPEG's chroma subsampling smears a 2-pixel line, so look for the reddest pixel across it.
        var redness = Enumerable.Range(157, 7).Max(x => Pixel(pixels, layout, x, 190).R - Pixel(pixels, layout, x, 190).B);
        Assert.True(redness > 60, $"no box edge around (160,190): max R-B {redness}");
        // Far from every box the picture stays grey.
        var grey = Pixel(pixels, layout, 260, 200);
        Assert.True(Math.Abs(grey.R - 128) < 12 && Math.Abs(grey.G - 128) < 12 && Math.Abs(grey.B - 128) < 12, $"background is {grey}");
    }

    [Fact]
    public async Task With_boxes_false_snapshot_and_mjpeg_are_the_clean_picture()
    {
        // The dashboard draws the boxes itself over ?boxes=false: the picture must then carry none of its own.
        using var response = await gateway.Viewer.GetAsync($"/api/cameras/{GatewayFixture.CameraId}/snapshot.jpg?boxes=false");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertGreyEverywhere(await response.Content.ReadAsByteArrayAsync());

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var live = await gateway.Viewer.GetAsync(
            $"/api/cameras/{GatewayFixture.CameraId}/live.mjpeg?boxes=false", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        await using var stream = await live.Content.ReadAsStreamAsync(cancel.Token);
        Assert.StartsWith("--", await ReadLineAsync(stream, cancel.Token));
        var length = -1;
        while (await ReadLineAsync(stream, cancel.Token) is { Length: > 0 } header)
        {
            if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var jpeg = new byte[length];
        await stream.ReadExactlyAsync(jpeg, cancel.Token);
        AssertGreyEverywhere(jpeg);
    }

    [Fact]
    public async Task A_boxes_value_that_is_not_a_boolean_is_a_400_naming_it()
    {
        foreach (var route in new[] { "snapshot.jpg", "live.mjpeg" })
        {
            using var response = await gateway.Viewer.GetAsync($"/api/cameras/{GatewayFixture.CameraId}/{route}?boxes=maybe");
            var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
            Assert.StartsWith("boxes", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Mjpeg_streams_annotated_frames_at_the_capped_rate()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await gateway.Viewer.GetAsync($"/api/cameras/{GatewayFixture.CameraId}/live.mjpeg", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("multipart/x-mixed-replace", response.Content.Headers.ContentType?.MediaType);
        var boundary = response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!;
        await using var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
        var clock = Stopwatch.StartNew();
        var indexes = new List<long>();
        for (var part = 0; part < 4; part++)
        {
            Assert.Equal("--" + boundary, await ReadLineAsync(stream, cancel.Token));
            var length = -1;
            while (await ReadLineAsync(stream, cancel.Token) is { Length: > 0 } header)
            {
                var colon = header.IndexOf(':', StringComparison.Ordinal);
                var (name, value) = (header[..colon], header[(colon + 1)..].Trim());
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (name.Equals("X-Frame-Index", StringComparison.OrdinalIgnoreCase))
                {
                    indexes.Add(long.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            var jpeg = new byte[length];
            await stream.ReadExactlyAsync(jpeg, cancel.Token);
            Assert.Equal((320, 240), (ImageCodec.QueryImage(jpeg).Width, ImageCodec.QueryImage(jpeg).Height));
            Assert.Equal(string.Empty, await ReadLineAsync(stream, cancel.Token));
        }

        // The camera runs at 25 fps; at most 5 annotated frames per second go out, so 4 parts span >= 3 intervals.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.55), $"4 parts in {clock.Elapsed.TotalSeconds:0.00} s: the rate cap is not applied");
        Assert.Equal(4, indexes.Distinct().Count());
    }

    [Fact]
    public async Task Unknown_camera_is_404_and_a_camera_without_frames_is_503()
    {
        using var unknown = await gateway.Viewer.GetAsync("/api/cameras/nope/snapshot.jpg");
        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound);
        using var unknownLive = await gateway.Viewer.GetAsync("/api/cameras/nope/live.mjpeg");
        await Problem.AssertAsync(unknownLive, HttpStatusCode.NotFound);

        using var created = await gateway.Admin.PostAsJsonAsync("/api/cameras", new { id = "no-frames", url = gateway.Clip, enabled = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        try
        {
            using var snapshot = await gateway.Viewer.GetAsync("/api/cameras/no-frames/snapshot.jpg");
            await Problem.AssertAsync(snapshot, HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            using var deleted = await gateway.Admin.DeleteAsync("/api/cameras/no-frames");
        }
    }

    // The fixture's camera is uniformly grey and the tiny model finds a box in every frame: any coloured pixel is a box.
    private static void AssertGreyEverywhere(byte[] jpeg)
    {
        var layout = ImageCodec.QueryImage(jpeg);
        var pixels = new byte[layout.RequiredBytes];
        ImageCodec.Decode(jpeg, pixels);
        var worst = 0;
        for (var y = 0; y < layout.Height; y++)
        {
            for (var x = 0; x < layout.Width; x++)
            {
                var (b, g, r) = Pixel(pixels, layout, x, y);
                worst = Math.Max(worst, Math.Max(Math.Abs(r - 128), Math.Max(Math.Abs(g - 128), Math.Abs(b - 128))));
            }
        }

        Assert.True(worst < 16, $"a clean frame has drawn pixels: a channel is {worst} away from grey");
    }

    private static (int B, int G, int R) Pixel(byte[] pixels, BgrLayout layout, int x, int y)
    {
        var at = (y * layout.Stride) + (x * 3);
        return (pixels[at], pixels[at + 1], pixels[at + 2]);
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            await stream.ReadExactlyAsync(one, cancellationToken);
            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }
    }
}
