using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoAnalytics.Silo.Hosting;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Tests.Inference;
using VideoAnalytics.Tests.Models;

namespace VideoAnalytics.Tests.Silo;

/// <summary>
/// A silo whose <c>Inference:Preload</c> or <c>Inference:DefaultModel</c> names a model that is not in its models folder
/// refuses to start, naming the key and the file it looked for; the shipped settings start with the shipped models.
/// </summary>
public sealed class InferenceOptionsValidatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("va-models-").FullName;

    public InferenceOptionsValidatorTests() =>
        File.Copy(TestFrames.DataPath("tiny-raw.onnx"), Path.Combine(_dir, "refinedet-lite-320.onnx"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_default_model_without_its_file_stops_the_silo_naming_key_and_file()
    {
        var e = Assert.Throws<OptionsValidationException>(() => SiloOptions(new() { ["Inference:DefaultModel"] = "missing" }));
        Assert.Contains("Inference:DefaultModel names model 'missing'", e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_dir, "missing.onnx"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_preload_without_its_file_stops_the_silo_naming_key_and_file()
    {
        var e = Assert.Throws<OptionsValidationException>(() => SiloOptions(new() { ["Inference:Preload:0"] = "absent" }));
        Assert.Contains("Inference:Preload names model 'absent'", e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_dir, "absent.onnx"), e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("DefaultModel", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_preload_that_is_not_a_model_name_is_refused()
    {
        var e = Assert.Throws<OptionsValidationException>(() => SiloOptions(new() { ["Inference:Preload:0"] = "../elsewhere/x" }));
        Assert.Contains("Inference:Preload names '../elsewhere/x', which is not a model name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_that_are_there_pass_and_the_default_model_is_configurable()
    {
        File.Copy(TestFrames.DataPath("tiny-fused.onnx"), Path.Combine(_dir, "tiny-fused.onnx"));
        var options = SiloOptions(new() { ["Inference:DefaultModel"] = "tiny-fused", ["Inference:Preload:0"] = "tiny-fused" });
        Assert.Equal("tiny-fused", options.DefaultModel);
        Assert.Equal(["tiny-fused"], options.Preload); // configured entries replace the default, none is added
        Assert.Equal(["tiny-fused"], options.ModelsToPreload);
    }

    [Fact]
    public void Tracker_settings_bind_from_configuration_and_a_bad_one_stops_the_silo_naming_its_key()
    {
        var options = SiloOptions(new() { ["Inference:Tracking:HighScore"] = "0.45", ["Inference:Tracking:TrackBuffer"] = "60" });
        Assert.Equal(0.45f, options.Tracking.HighScore);
        Assert.Equal(60, options.Tracking.TrackBuffer);
        Assert.Equal(0.1f, options.Tracking.LowScore); // the rest keep their defaults

        var e = Assert.Throws<OptionsValidationException>(() => SiloOptions(new() { ["Inference:Tracking:LowScore"] = "1.5" }));
        Assert.Contains("Inference:Tracking:LowScore: expected a number in [0, 1], got 1.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_defaults_pass_with_the_shipped_models_folder()
    {
        var options = new InferenceOptions { ModelsDirectory = ShippedModel.RepoFile("models") };
        Assert.Equal("refinedet-lite-320", options.DefaultModel);
        Assert.True(new InferenceOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void A_process_without_inference_does_not_check_the_models()
    {
        // A cluster gateway binds the section (to validate camera requests) but preloads nothing and serves no default.
        var configuration = Configuration(new() { ["Inference:DefaultModel"] = "missing" });
        var services = new ServiceCollection();
        services.AddSiloProviders(configuration);
        using var provider = services.BuildServiceProvider();
        Assert.Equal("missing", provider.GetRequiredService<IOptions<InferenceOptions>>().Value.DefaultModel);
    }

    private InferenceOptions SiloOptions(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddSilo(Configuration(values));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<InferenceOptions>>().Value;
    }

    private IConfiguration Configuration(Dictionary<string, string?> values)
    {
        values["Inference:ModelsDirectory"] = _dir;
        values["Registry:DataDirectory"] = string.Empty;
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
