namespace VideoAnalytics.Contracts.Detections;

/// <summary>What <see cref="IImageDetectionGrain.DetectAsync"/> answers: a frame, or why the request cannot be served.</summary>
[GenerateSerializer, Immutable]
public sealed record ImageDetectionResult
{
    [Id(0)]
    public DetectionFrame? Frame { get; init; }

    /// <summary>The caller's mistake, worded for the caller (unknown model, not an image, too many pixels); null on success.</summary>
    [Id(1)]
    public string? Error { get; init; }

    public static ImageDetectionResult Failed(string error) => new() { Error = error };

    public static ImageDetectionResult Succeeded(DetectionFrame frame) => new() { Frame = frame };
}
