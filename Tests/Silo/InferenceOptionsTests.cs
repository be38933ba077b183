using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoAnalytics.Silo.Inference;

namespace VideoAnalytics.Tests.Silo;

/// <summary>Configured devices replace the default CPU device instead of being added to it; CUDA settings are validated.</summary>
public sealed class InferenceOptionsTests
{
    [Fact]
    public void Configured_devices_are_the_only_devices()
    {
        var options = Bind(new Dictionary<string, string?> { ["Inference:Devices:0"] = "cuda:0" });
        Assert.Equal(["cuda:0"], options.DevicesOrDefault);
    }

    [Fact]
    public void Without_configured_devices_the_cpu_serves()
    {
        Assert.Equal(["cpu"], Bind([]).DevicesOrDefault);
    }

    [Fact]
    public void Cuda_settings_are_bound_from_configuration()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Inference:Cuda:CudnnConvAlgoSearch"] = "Heuristic",
            ["Inference:Cuda:ArenaExtendStrategy"] = "SameAsRequested",
        });
        Assert.Equal(VideoAnalytics.Inference.Onnx.CudnnConvolutionSearch.Heuristic, options.Cuda.CudnnConvAlgoSearch);
        Assert.Equal(VideoAnalytics.Inference.Onnx.CudaArenaExtendStrategy.SameAsRequested, options.Cuda.ArenaExtendStrategy);
    }

    [Fact]
    public void A_negative_cuda_memory_limit_is_refused_naming_the_key()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Inference:Cuda:GpuMemoryLimitBytes"] = "-1" })
            .Build();
        var services = new ServiceCollection();
        services.AddOptions<InferenceOptions>().Bind(configuration.GetSection(InferenceOptions.Section)).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<InferenceOptions>>().Value);
        Assert.Contains("GpuMemoryLimitBytes", e.Message, StringComparison.Ordinal);
    }

    private static InferenceOptions Bind(Dictionary<string, string?> values)
    {
        var options = new InferenceOptions();
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(InferenceOptions.Section).Bind(options);
        return options;
    }
}
