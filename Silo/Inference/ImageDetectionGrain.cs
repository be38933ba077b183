using System.Buffers;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Silo.Inference;

/// <summary>
/// Serves <see cref="IImageDetectionGrain"/>: a stateless worker on the silo that receives the call (in a cluster, the
/// gateway silo the API's Orleans client sent it to), running the model on that silo's inference device. The image
/// crosses the call encoded (as uploaded), never as pixels.
/// </summary>
[StatelessWorker]
public sealed class ImageDetectionGrain(ModelCatalog catalog, InferenceHost inference, IOptions<InferenceOptions> options, TimeProvider clock)
    : Grain, IImageDetectionGrain
{
    /// <summary>Decoded images larger than this many pixels are refused (a small PNG can claim a huge canvas).</summary>
    public const long MaxPixels = 40_000_000;

    private static string TooLarge(long width, long height) =>
        $"the image is {width}x{height}; at most {MaxPixels} pixels (40 Mpx) are accepted, checked on the header before decoding";

    public Task<ImageDetectionResult> DetectAsync(byte[] image, string? model, double minScore)
    {
        ArgumentNullException.ThrowIfNull(image);
        model ??= options.Value.DefaultModel;
        if (!catalog.TryGet(model, inference.PrimaryDevice, out var detector, out var modelError))
        {
            // The catalog's reason names the file and what was wrong with it (not found, not ONNX, outputs, sidecar).
            return Task.FromResult(ImageDetectionResult.Failed($"model: {modelError}"));
        }

        if (image.Length == 0)
        {
            return Task.FromResult(ImageDetectionResult.Failed("the body is empty: send the image's bytes"));
        }

        // The limit is checked on the header's own numbers first: QueryImage decodes formats other than JPEG and PNG
        // in full to learn their size, and a small compressed TIFF can claim 16000x16000.
        if (ImageHeader.TryReadSize(image, out var storedWidth, out var storedHeight)
            && (storedWidth > MaxPixels || storedHeight > MaxPixels || storedWidth * storedHeight > MaxPixels))
        {
            return Task.FromResult(ImageDetectionResult.Failed(TooLarge(storedWidth, storedHeight)));
        }

        var captured = clock.GetUtcNow();
        BgrLayout layout;
        try
        {
            layout = ImageCodec.QueryImage(image);
        }
        catch (OpenCvException)
        {
            return Task.FromResult(ImageDetectionResult.Failed("the body is not a decodable JPEG or PNG image"));
        }

        if (layout.Width <= 0 || layout.Height <= 0 || (long)layout.Width * layout.Height > MaxPixels)
        {
            return Task.FromResult(ImageDetectionResult.Failed(TooLarge(layout.Width, layout.Height)));
        }

        var pixels = ArrayPool<byte>.Shared.Rent(checked((int)layout.RequiredBytes));
        try
        {
            try
            {
                layout = ImageCodec.Decode(image, pixels);
            }
            catch (OpenCvException)
            {
                return Task.FromResult(ImageDetectionResult.Failed("the body is not a decodable JPEG or PNG image"));
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

            return Task.FromResult(ImageDetectionResult.Succeeded(new DetectionFrame
            {
                CameraId = null,
                Timestamp = captured,
                Width = layout.Width,
                Height = layout.Height,
                Model = model,
                Detections = kept,
                LatencyMs = new FrameLatency(0, inferenceMs, inferenceMs),
            }));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pixels);
        }
    }
}
