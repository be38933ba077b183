using VideoAnalytics.Bench.Capture;
using VideoAnalytics.Bench.Engine;
using VideoAnalytics.Bench.Pipeline;

namespace VideoAnalytics.Bench.Report;

/// <summary>Everything one <c>make bench</c> run measured; written as bench/results/&lt;date&gt;.json and .md.</summary>
public sealed record BenchReport
{
    public required string Date { get; init; }

    public required string Machine { get; init; }

    public required string LoadAtStart { get; init; }

    public string LoadAtEnd { get; set; } = string.Empty;

    public required string Models { get; init; }

    public required int Threads { get; init; }

    public double WallSeconds { get; set; }

    public List<CaptureResult> Capture { get; } = [];

    public SessionResult? Session { get; set; }

    public PostprocessResult? Postprocess { get; set; }

    public EngineResult? Engine { get; set; }

    public PipelineResult? Pipeline { get; set; }

    public TrackerResult? Tracker { get; set; }

    /// <summary>Sections that failed, with the reason: the run goes on and the page says so.</summary>
    public List<string> Failures { get; } = [];
}
