using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Gateway.Security;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Silo.Inference;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>One-off detection on an uploaded image: POST /api/detect with a JPEG or PNG body.</summary>
public static class DetectApi
{
    /// <summary>Decoded images larger than this many pixels are refused (a small PNG can claim a huge canvas).</summary>
    public const long MaxPixels = 40_000_000;

    public static IEndpointRouteBuilder MapDetectApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/detect", DetectAsync)
            .WithTags("Detections").WithName("DetectImage")
            .WithSummary("Runs a model on one image (body image/jpeg or image/png; ?model=, ?minScore=) and returns a DetectionFrame without camera.")
            .Accepts<byte[]>("image/jpeg", "image/png")
            .RequireAuthorization(GatewayPolicies.Viewer);
        return endpoints;
    }

    private static async Task<Results<Ok<DetectionFrame>, ProblemHttpResult>> DetectAsync(
        HttpContext context, ModelCatalog catalog, InferenceHost inference, IOptions<ApiKeyOptions> security, TimeProvider clock)
    {
        var request = context.Request;
        var query = request.Query;
        var model = query["model"].ToString() is { Length: > 0 } named ? named : CameraSpec.DefaultModel;
        if (!QueryValues.TryDouble(query, "minScore", 0.4, 0, 1, out var minScore, out var error))
        {
            return Problems.BadRequest(error!);
        }

        var mediaType = request.ContentType?.Split(';', 2)[0].Trim();
        if (!string.Equals(mediaType, "image/jpeg", StringComparison.OrdinalIgnoreCase) && !string.Equals(mediaType, "image/png", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.BadRequest("the body must be an image (Content-Type: image/jpeg or image/png)");
        }

        var limit = security.Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return Problems.TooLarge(limit);
        }

        if (!catalog.Exists(model) || !catalog.TryGet(model, DeviceOf(inference), out var detector, out _))
        {
            return Problems.BadRequest($"model: unknown model '{model}'; available: {string.Join(", ", catalog.Names())}");
        }

        byte[] encoded;
        try
        {
            encoded = await ReadBodyAsync(request, limit, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.TooLarge(limit);
        }

        if (encoded.Length == 0)
        {
            return Problems.BadRequest("the body is empty: send the image's bytes");
        }

        var captured = clock.GetUtcNow();
        BgrLayout layout;
        try
        {
            layout = ImageCodec.QueryImage(encoded);
        }
        catch (OpenCvException)
        {
            return Problems.BadRequest("the body is not a decodable JPEG or PNG image");
        }

        if (layout.Width <= 0 || layout.Height <= 0 || (long)layout.Width * layout.Height > MaxPixels)
        {
            return Problems.BadRequest($"the image is {layout.Width}x{layout.Height}; at most {MaxPixels} pixels are accepted");
        }

        var pixels = ArrayPool<byte>.Shared.Rent(checked((int)layout.RequiredBytes));
        try
        {
            try
            {
                layout = ImageCodec.Decode(encoded, pixels);
            }
            catch (OpenCvException)
            {
                return Problems.BadRequest("the body is not a decodable JPEG or PNG image");
            }

            var results = new DetectionBatch();
            var started = TimeProvider.System.GetTimestamp();
            detector!.Detect([new BgrFrame(pixels.AsMemory(0, (int)layout.RequiredBytes), layout.Width, layout.Height, layout.Stride)], results);
            var inferenceMs = Math.Round(TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, 2);
            var labels = detector.Model.Labels;
            var kept = new List<DetectedObject>();
            foreach (var d in results[0])
            {
                if (d.Score < minScore)
                {
                    break; // highest score first
                }

                kept.Add(new DetectedObject(d.ClassId, labels[d.ClassId], d.Score, new BoundingBox(d.X1, d.Y1, d.X2, d.Y2)));
            }

            return TypedResults.Ok(new DetectionFrame
            {
                CameraId = null,
                Timestamp = captured,
                Width = layout.Width,
                Height = layout.Height,
                Model = model,
                Detections = kept,
                LatencyMs = new FrameLatency(0, inferenceMs, inferenceMs),
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pixels);
        }
    }

    private static ExecutionDevice DeviceOf(InferenceHost inference) =>
        inference.Grains.Count > 0 ? inference.Grains[0].Device : ExecutionDevice.Cpu;

    /// <summary>Reads the whole body, refusing more than <paramref name="limit"/> bytes even when no Content-Length was sent.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is > 0 and var n ? (int)Math.Min(n, limit) : 64 * 1024);
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw new BadHttpRequestException("request body too large", StatusCodes.Status413PayloadTooLarge);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }
}
