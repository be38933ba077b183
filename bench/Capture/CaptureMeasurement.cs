namespace VideoAnalytics.Bench.Capture;

/// <summary>One pipeline's throughput over repeated runs of the same clip: frames per second, median, min and max.</summary>
public sealed record CaptureMeasurement(string Pipeline, int Frames, double MedianFps, double MinFps, double MaxFps, double MedianSeconds);
