using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Gateway.Security;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>One-off detection on an uploaded image: POST /api/detect with a JPEG or PNG body.</summary>
public static class DetectApi
{
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
        HttpContext context, [FromServices] IGrainFactory grains, IOptions<ApiKeyOptions> security)
    {
        var request = context.Request;
        var query = request.Query;
        var model = query["model"].ToString() is { Length: > 0 } named ? named : null;
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

        byte[] encoded;
        try
        {
            encoded = await ReadBodyAsync(request, limit, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.TooLarge(limit);
        }

        // An inference worker of the silo this call reaches decodes and runs the model: this process in the
        // all-in-one service, a silo of the cluster otherwise. Only the encoded image travels.
        var result = await grains.GetGrain<IImageDetectionGrain>(0).DetectAsync(encoded, model, minScore);
        return result.Frame is { } frame ? TypedResults.Ok(frame) : Problems.BadRequest(result.Error ?? "the image could not be analysed");
    }

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
