using System.Diagnostics;
using VideoAnalytics.Contracts.Telemetry;

namespace VideoAnalytics.Silo.Telemetry;

/// <summary>
/// The pipeline's traces (source <c>VideoAnalytics.Pipeline</c>): one span per inference batch and one per
/// published frame, the latter a child of its batch. <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null while nobody listens, so the hot path pays one check per batch and per frame.
/// </summary>
public static class PipelineTracing
{
    public const string SourceName = PipelineTelemetryNames.Source;

    public static ActivitySource Source { get; } = new(SourceName);
}
