using Microsoft.Extensions.Configuration;
using VideoAnalytics.Silo.Inference;

namespace VideoAnalytics.Tests.Silo;

/// <summary>Configured devices replace the default CPU device instead of being added to it.</summary>
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

    private static InferenceOptions Bind(Dictionary<string, string?> values)
    {
        var options = new InferenceOptions();
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(InferenceOptions.Section).Bind(options);
        return options;
    }
}
