using OpenTelemetry.Metrics;

namespace VideoAnalytics.Gateway.Telemetry;

/// <summary>
/// Histogram buckets that fit what the pipeline measures. The SDK's default buckets (0, 5, 10, 25, … 10000) suit
/// neither batch sizes of 1–64 frames nor sub-millisecond model runs on a small model.
/// </summary>
internal static class MetricViews
{
    private static readonly double[] Milliseconds = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
    private static readonly double[] Frames = [1, 2, 4, 8, 16, 32, 64];

    public static MeterProviderBuilder AddPipelineViews(this MeterProviderBuilder metrics) =>
        metrics
            .AddView("va.inference.batch.size", new ExplicitBucketHistogramConfiguration { Boundaries = Frames })
            .AddView("va.inference.latency", new ExplicitBucketHistogramConfiguration { Boundaries = Milliseconds })
            .AddView("va.pipeline.capture_to_publish", new ExplicitBucketHistogramConfiguration { Boundaries = Milliseconds });
}
