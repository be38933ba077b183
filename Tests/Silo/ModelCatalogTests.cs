using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Tests.Inference;

namespace VideoAnalytics.Tests.Silo;

/// <summary>
/// The catalog's reasons name the file and what was wrong; a failed load is remembered only until its files change,
/// so a fixed or newly added model is served without a restart. Models are named by their file, not by a name key.
/// </summary>
public sealed class ModelCatalogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("va-catalog-").FullName;
    private readonly ModelCatalog _catalog;

    public ModelCatalogTests()
    {
        _catalog = new ModelCatalog(Options.Create(new InferenceOptions { ModelsDirectory = _dir }), NullLogger<ModelCatalog>.Instance);
    }

    public void Dispose()
    {
        _catalog.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_missing_model_names_the_file_and_what_is_available_and_is_found_once_added()
    {
        File.Copy(TestFrames.DataPath("tiny-raw.onnx"), Path.Combine(_dir, "other.onnx"));
        Assert.False(_catalog.TryGet("later", ExecutionDevice.Cpu, out _, out var error));
        Assert.Equal($"model 'later' not found: no file {Path.Combine(_dir, "later.onnx")}; available: other", error);

        File.Copy(TestFrames.DataPath("tiny-raw.onnx"), Path.Combine(_dir, "later.onnx"));
        Assert.True(_catalog.TryGet("later", ExecutionDevice.Cpu, out var detector, out error));
        Assert.NotNull(detector);
        Assert.Null(error);
    }

    [Fact]
    public void A_broken_file_gives_its_reason_until_it_is_replaced()
    {
        var file = Path.Combine(_dir, "m.onnx");
        File.WriteAllText(file, "not a model");
        Assert.False(_catalog.TryGet("m", ExecutionDevice.Cpu, out _, out var first));
        Assert.StartsWith("model 'm' cannot be loaded: ", first, StringComparison.Ordinal);
        Assert.Contains(file, first, StringComparison.Ordinal);

        // Unchanged files: the remembered reason, no new load (the same text, and no detector appears).
        Assert.False(_catalog.TryGet("m", ExecutionDevice.Cpu, out _, out var again));
        Assert.Equal(first, again);

        File.Copy(TestFrames.DataPath("tiny-raw.onnx"), file, overwrite: true);
        Assert.True(_catalog.TryGet("m", ExecutionDevice.Cpu, out var detector, out _));
        Assert.Equal(["background", "a", "b"], detector!.Model.Labels);
    }

    [Fact]
    public void A_sidecar_added_after_a_failed_load_is_picked_up()
    {
        File.Copy(TestFrames.DataPath("tiny-sidecar.onnx"), Path.Combine(_dir, "bare.onnx"));
        Assert.False(_catalog.TryGet("bare", ExecutionDevice.Cpu, out _, out var error));
        Assert.Contains("no 'va.' metadata", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_dir, "bare.json"), error, StringComparison.Ordinal);

        File.Copy(TestFrames.DataPath("tiny-sidecar.json"), Path.Combine(_dir, "bare.json"));
        Assert.True(_catalog.TryGet("bare", ExecutionDevice.Cpu, out _, out _));
    }

    [Fact]
    public void A_model_is_named_by_its_file_whatever_its_name_key_says()
    {
        // The sidecar says "name": "tiny-sidecar"; the file is renamed.onnx. See models/README.md for why.
        File.Copy(TestFrames.DataPath("tiny-sidecar.onnx"), Path.Combine(_dir, "renamed.onnx"));
        File.Copy(TestFrames.DataPath("tiny-sidecar.json"), Path.Combine(_dir, "renamed.json"));
        Assert.Contains("\"name\": \"tiny-sidecar\"", File.ReadAllText(Path.Combine(_dir, "renamed.json")), StringComparison.Ordinal);

        Assert.Equal(["renamed"], _catalog.Names());
        Assert.True(_catalog.TryGet("renamed", ExecutionDevice.Cpu, out _, out _));
        Assert.False(_catalog.TryGet("tiny-sidecar", ExecutionDevice.Cpu, out _, out var error));
        Assert.StartsWith("model 'tiny-sidecar' not found", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../models/x")]
    [InlineData(".hidden")]
    [InlineData("")]
    public void Names_that_are_not_file_names_are_refused(string model)
    {
        Assert.False(_catalog.TryGet(model, ExecutionDevice.Cpu, out _, out var error));
        Assert.Contains("is not a valid model name", error, StringComparison.Ordinal);
    }
}
