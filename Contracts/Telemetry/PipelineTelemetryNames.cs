namespace VideoAnalytics.Contracts.Telemetry;

/// <summary>
/// The names of the pipeline's meter and trace source: the silo creates them, the gateway's exporters subscribe to
/// them by name (in a co-hosted silo they are the same process's; a cluster gateway simply has none of them).
/// </summary>
public static class PipelineTelemetryNames
{
    /// <summary>The meter of the pipeline's instruments (<c>va.camera.*</c>, <c>va.inference.*</c>).</summary>
    public const string Meter = "VideoAnalytics.Pipeline";

    /// <summary>The activity source of the pipeline's spans (inference batches, detection publishes).</summary>
    public const string Source = "VideoAnalytics.Pipeline";
}
