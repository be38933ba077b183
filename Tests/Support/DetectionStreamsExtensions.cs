using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Tests.Support;

/// <summary>What most store tests need of an append: the position (null when fenced).</summary>
public static class DetectionStreamsExtensions
{
    public static async Task<string?> PublishAsync(this IDetectionStreams streams, DetectionFrame frame) =>
        (await streams.AppendAsync(frame))?.Position;
}
