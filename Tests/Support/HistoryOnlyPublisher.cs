using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Streams;

namespace VideoAnalytics.Tests.Support;

/// <summary>
/// A <see cref="DetectionPublisher"/> outside any silo, for tests of the inference pipeline alone: frames reach the
/// history; the live publish finds no Orleans stream provider and is skipped (as when its queue is unreachable).
/// </summary>
public static class HistoryOnlyPublisher
{
    public static DetectionPublisher Over(IDetectionStreams history) =>
        new(history, new ServiceCollection().BuildServiceProvider(), NullLogger<DetectionPublisher>.Instance);
}
