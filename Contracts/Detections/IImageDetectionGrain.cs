using Orleans.Concurrency;

namespace VideoAnalytics.Contracts.Detections;

/// <summary>
/// One-off detection on an encoded image (what <c>POST /api/detect</c> serves), run by an inference worker on the
/// silo that receives the call, with that silo's models and device. Stateless: any key will do, and each silo runs as
/// many workers as it has cores.
/// </summary>
public interface IImageDetectionGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Decodes <paramref name="image"/> (JPEG or PNG), runs <paramref name="model"/> (null: the service's default
    /// model) and keeps detections scoring at least <paramref name="minScore"/>.
    /// </summary>
    Task<ImageDetectionResult> DetectAsync([Immutable] byte[] image, string? model, double minScore);
}
