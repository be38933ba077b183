using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoAnalytics.Tests.Support;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Silo.Telemetry;
using VideoAnalytics.Tests.Gateway;
using VideoAnalytics.Tests.Inference;

namespace VideoAnalytics.Tests.Silo;

/// <summary><c>Inference:DefaultModel</c> is what a detect request naming no model runs; a named model still wins.</summary>
public sealed class ImageDetectionGrainTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("va-detect-").FullName;

    public ImageDetectionGrainTests()
    {
        File.Copy(TestFrames.DataPath("tiny-raw.onnx"), Path.Combine(_dir, "refinedet-lite-320.onnx"));
        File.Copy(TestFrames.DataPath("tiny-fused.onnx"), Path.Combine(_dir, "tiny-fused.onnx"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(null, "tiny-fused", 2)]
    [InlineData("refinedet-lite-320", "refinedet-lite-320", 3)]
    public async Task The_configured_default_model_serves_requests_that_name_none(string? requested, string served, int detections)
    {
        var options = Options.Create(new InferenceOptions { ModelsDirectory = _dir, DefaultModel = "tiny-fused" });
        using var catalog = new ModelCatalog(options, NullLogger<ModelCatalog>.Instance);
        using var host = new InferenceHost(catalog, options, HistoryOnlyPublisher.Over(new InMemoryDetectionStreams(Options.Create(new StreamOptions()))),
            new PipelineMetrics(), NullLoggerFactory.Instance, new AnnotatedFrameTap(), TimeProvider.System);
        var grain = new ImageDetectionGrain(catalog, host, options, TimeProvider.System);

        var result = await grain.DetectAsync(DetectApiTests.UniformJpeg(100, 50, 200), requested, 0);

        Assert.Null(result.Error);
        Assert.Equal(served, result.Frame!.Model);
        Assert.Equal(detections, result.Frame.Detections.Count);
    }
}
