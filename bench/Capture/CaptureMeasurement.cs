using VideoAnalytics.Bench.Measurement;

namespace VideoAnalytics.Bench.Capture;

/// <summary>One pipeline's throughput over repeated runs of the same clip, in frames per second.</summary>
public sealed record CaptureMeasurement(string Pipeline, int Frames, Spread Fps);
