namespace VideoAnalytics.Bench.Pipeline;

/// <summary>
/// What one pipeline child process measured (sent to the parent as one JSON line). Frames per second are per
/// measurement window; latencies are every published frame's <c>LatencyMs.Total</c> (capture to publish) pooled
/// over the windows. RSS in MiB; CPU in percent of one core, over the windows.
/// </summary>
public sealed record PipelineSample
{
    public required string Mode { get; init; }

    public int Cameras { get; init; }

    public double OfferedFps { get; init; }

    public List<double> PublishedFps { get; init; } = [];

    /// <summary>The raw engine alone (Detect at the batch these cameras make), in this process just before the cameras start.</summary>
    public List<double> EngineFps { get; init; } = [];

    public int EngineBatch { get; init; }

    public double LatencyP50Ms { get; init; }

    public double LatencyP99Ms { get; init; }

    public int LatencyFrames { get; init; }

    public double BaselineRssMiB { get; init; }

    public double RssMiB { get; init; }

    public double BaselineCpuPercent { get; init; }

    public double CpuPercent { get; init; }

    /// <summary>Camera states at the end (e.g. "Stopped: 100"), to show what "idle" cameras were doing.</summary>
    public string States { get; init; } = string.Empty;
}
