using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Tests.Inference;
using VideoAnalytics.Tests.Inference.OpenCv;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// POST /api/detect with the tiny test model as the default model. Its outputs do not depend on the picture except
/// the class-a score, which is the image's mean / 255 (see TinyModelTests), so the expected boxes are exact.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class DetectApiTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_png_gives_the_models_detections_in_image_pixels()
    {
        using var response = await PostImageAsync(UniformPng(100, 50, 200), "image/png", "?minScore=0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frame = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, frame.GetProperty("cameraId").ValueKind);
        Assert.Equal(100, frame.GetProperty("width").GetInt32());
        Assert.Equal(50, frame.GetProperty("height").GetInt32());
        Assert.Equal("refinedet-lite-320", frame.GetProperty("model").GetString());
        var detections = frame.GetProperty("detections").EnumerateArray().ToList();
        Assert.Equal(3, detections.Count);
        AssertDetection(detections[0], "b", 0.8, 0, 25, 50, 50);
        AssertDetection(detections[1], "a", 200 / 255.0, 5, 2.5, 55, 27.5);
        AssertDetection(detections[2], "a", 0.7, 7.3223, 19.8223, 42.6777, 50);
    }

    [Fact]
    public async Task A_jpeg_works_and_min_score_filters()
    {
        using var response = await PostImageAsync(UniformJpeg(100, 50, 100), "image/jpeg", "?minScore=0.75");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frame = await response.Content.ReadFromJsonAsync<JsonElement>();
        var detections = frame.GetProperty("detections").EnumerateArray().ToList();
        Assert.Single(detections); // a's scores (0.7, ~0.39) fall below 0.75; b's 0.8 stays
        AssertDetection(detections[0], "b", 0.8, 0, 25, 50, 50);
    }

    [Fact]
    public async Task Another_model_can_be_named()
    {
        using var response = await PostImageAsync(UniformPng(100, 50, 200), "image/png", "?model=tiny-fused&minScore=0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frame = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("tiny-fused", frame.GetProperty("model").GetString());
        Assert.Equal(2, frame.GetProperty("detections").GetArrayLength());
    }

    [Fact]
    public async Task Bad_requests_are_400()
    {
        var png = UniformPng(100, 50, 200);
        var garbage = new byte[5000];
        new Random(7).NextBytes(garbage);
        using var notImage = await PostImageAsync(garbage, "image/png", string.Empty);
        await Problem.AssertAsync(notImage, HttpStatusCode.BadRequest);
        using var truncated = await PostImageAsync(png.AsSpan(0, png.Length / 2).ToArray(), "image/png", string.Empty);
        await Problem.AssertAsync(truncated, HttpStatusCode.BadRequest);
        using var empty = await PostImageAsync([], "image/jpeg", string.Empty);
        await Problem.AssertAsync(empty, HttpStatusCode.BadRequest);
        using var wrongType = await PostImageAsync(png, "text/plain", string.Empty);
        await Problem.AssertAsync(wrongType, HttpStatusCode.UnsupportedMediaType);
        using var unknownModel = await PostImageAsync(png, "image/png", "?model=nope");
        var problem = await Problem.AssertAsync(unknownModel, HttpStatusCode.BadRequest);
        Assert.Contains("model", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var traversal = await PostImageAsync(png, "image/png", "?model=../models/refinedet-lite-320");
        await Problem.AssertAsync(traversal, HttpStatusCode.BadRequest);
        using var badScore = await PostImageAsync(png, "image/png", "?minScore=high");
        await Problem.AssertAsync(badScore, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_16000_squared_tiff_sent_as_jpeg_is_refused_on_its_header_naming_the_limit()
    {
        // A few hundred bytes whose header claims 256 million pixels: before issue 15 it went to a full decode (which
        // for a real such TIFF means 768 MB of pixels) and only then met the limit.
        using var response = await PostImageAsync(ImageHeaderTests.ClaimingTiff(16000, 16000), "image/jpeg", string.Empty);
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("16000x16000", detail, StringComparison.Ordinal);
        Assert.Contains("at most 40000000 pixels", detail, StringComparison.Ordinal);

        // Just under the limit the header passes, and the missing pixels are what is refused.
        using var small = await PostImageAsync(ImageHeaderTests.ClaimingTiff(1000, 1000), "image/jpeg", string.Empty);
        var smallProblem = await Problem.AssertAsync(small, HttpStatusCode.BadRequest);
        Assert.DoesNotContain("pixels", smallProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_phone_photo_in_portrait_is_analysed_upright()
    {
        // Stored landscape 100x50 with EXIF orientation 6 (turn 90 degrees clockwise to view), as a phone held
        // upright writes it: the model must see the upright 50x100 image, so the frame's size is swapped and the
        // tiny model's boxes (fixed fractions of the image) land where they do in a 50x100 picture.
        var raw = new byte[100 * 50 * 3];
        Array.Fill(raw, (byte)200);
        using var response = await PostImageAsync(ExifJpeg.Encode(raw, 100, 50, orientation: 6), "image/jpeg", "?minScore=0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frame = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(50, frame.GetProperty("width").GetInt32());
        Assert.Equal(100, frame.GetProperty("height").GetInt32());
        var detections = frame.GetProperty("detections").EnumerateArray().ToList();
        Assert.Equal(3, detections.Count);
        AssertDetection(detections[0], "b", 0.8, 0, 50, 25, 100);
        AssertDetection(detections[1], "a", 200 / 255.0, 2.5, 5, 27.5, 55);
    }

    [Fact]
    public async Task A_missing_model_is_a_400_naming_the_file_looked_for()
    {
        using var response = await PostImageAsync(UniformPng(20, 20, 10), "image/png", "?model=nope");
        var detail = (await Problem.AssertAsync(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString();
        Assert.Contains("model 'nope' not found", detail, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(gateway.Root, "models", "nope.onnx"), detail, StringComparison.Ordinal);
        Assert.Contains("refinedet-lite-320", detail, StringComparison.Ordinal); // what is available
    }

    [Fact]
    public async Task A_broken_model_is_a_400_with_its_reason_and_is_served_once_fixed_without_a_restart()
    {
        var name = "broken-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(gateway.Root, "models", name + ".onnx");
        await File.WriteAllTextAsync(file, "not a model");
        var png = UniformPng(100, 50, 200);
        using (var broken = await PostImageAsync(png, "image/png", $"?model={name}"))
        {
            var detail = (await Problem.AssertAsync(broken, HttpStatusCode.BadRequest)).GetProperty("detail").GetString();
            Assert.Contains($"model '{name}' cannot be loaded", detail, StringComparison.Ordinal);
            Assert.Contains(file, detail, StringComparison.Ordinal);
            Assert.DoesNotContain("unknown model", detail, StringComparison.Ordinal);
        }

        File.Copy(TestFrames.DataPath("tiny-fused.onnx"), file, overwrite: true);
        using var fixedModel = await PostImageAsync(png, "image/png", $"?model={name}&minScore=0");
        Assert.Equal(HttpStatusCode.OK, fixedModel.StatusCode);
        var frame = await fixedModel.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(name, frame.GetProperty("model").GetString());
        Assert.Equal(2, frame.GetProperty("detections").GetArrayLength());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_with_or_without_content_length()
    {
        var big = new byte[GatewayFixture.MaxBodyBytes + 1];
        // Expect: 100-continue lets the server refuse on the declared length before any body is sent; otherwise
        // its early answer can cut the upload off and the client sees a broken pipe instead of the 413.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/detect") { Content = new ByteArrayContent(big) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        request.Headers.ExpectContinue = true;
        using var declared = await gateway.Viewer.SendAsync(request);
        await Problem.AssertAsync(declared, HttpStatusCode.RequestEntityTooLarge);

        // Chunked, so no Content-Length warns the server: the limit has to stop the read itself. A raw socket writes
        // the whole request before reading (an HttpClient may be cut off mid-upload when the server answers early).
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, gateway.Service.Port);
        await using var stream = tcp.GetStream();
        var head = $"POST /api/detect HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: {GatewayFixture.ViewerKey}\r\nContent-Type: image/jpeg\r\n" +
            $"Transfer-Encoding: chunked\r\n\r\n{big.Length:x}\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(big);
        await stream.WriteAsync("\r\n0\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream);
        var status = await reader.ReadLineAsync();
        Assert.StartsWith("HTTP/1.1 413", status, StringComparison.Ordinal);
        string? header;
        var contentType = string.Empty;
        while (!string.IsNullOrEmpty(header = await reader.ReadLineAsync()))
        {
            if (header.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))
            {
                contentType = header["Content-Type:".Length..].Trim();
            }
        }

        Assert.StartsWith("application/problem+json", contentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_needs_a_key()
    {
        using var content = new ByteArrayContent(UniformPng(20, 20, 10));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var response = await gateway.Anonymous.PostAsync("/api/detect", content);
        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
    }

    private async Task<HttpResponseMessage> PostImageAsync(byte[] body, string contentType, string query)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await gateway.Viewer.PostAsync("/api/detect" + query, content);
    }

    private static void AssertDetection(JsonElement d, string label, double score, double x1, double y1, double x2, double y2)
    {
        Assert.Equal(label, d.GetProperty("label").GetString());
        Assert.Equal(score, d.GetProperty("score").GetDouble(), 0.005);
        var box = d.GetProperty("box");
        Assert.Equal(x1, box.GetProperty("x1").GetDouble(), 0.01);
        Assert.Equal(y1, box.GetProperty("y1").GetDouble(), 0.01);
        Assert.Equal(x2, box.GetProperty("x2").GetDouble(), 0.01);
        Assert.Equal(y2, box.GetProperty("y2").GetDouble(), 0.01);
    }

    private byte[] UniformPng(int width, int height, byte value)
    {
        var name = Path.Combine(gateway.Root, Guid.NewGuid().ToString("N"));
        var raw = new byte[width * height * 3];
        Array.Fill(raw, value);
        File.WriteAllBytes(name + ".bgr", raw);
        MediaFixture.Ffmpeg("-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{width}x{height}", "-i", name + ".bgr", "-frames:v", "1", "-pix_fmt", "rgb24", name + ".png");
        return File.ReadAllBytes(name + ".png");
    }

    internal static byte[] UniformJpeg(int width, int height, byte value)
    {
        var raw = new byte[width * height * 3];
        Array.Fill(raw, value);
        var writer = new ArrayBufferWriter<byte>();
        ImageCodec.EncodeJpeg(raw, BgrLayout.Packed(width, height), 95, writer);
        return writer.WrittenSpan.ToArray();
    }
}
