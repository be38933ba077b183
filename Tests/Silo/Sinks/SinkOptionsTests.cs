using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoAnalytics.Silo.Sinks;

namespace VideoAnalytics.Tests.Silo.Sinks;

public sealed class SinkOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_as_documented()
    {
        var options = new SinkOptions();

        Assert.True(new SinkOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryInitialDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), options.RetryMaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(2), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.CheckpointInterval);
    }

    [Fact]
    public void Configuration_binds_and_validates_with_the_key_named()
    {
        var good = Resolve(new Dictionary<string, string?>
        {
            ["Sinks:RetryInitialDelay"] = "00:00:00.500",
            ["Sinks:RetryMaxDelay"] = "00:05:00",
            ["Sinks:PollInterval"] = "00:00:01",
            ["Sinks:CheckpointInterval"] = "00:00:05",
        });
        Assert.Equal(TimeSpan.FromMilliseconds(500), good.RetryInitialDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), good.RetryMaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), good.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), good.CheckpointInterval);

        var backwards = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["Sinks:RetryInitialDelay"] = "00:02:00",
            ["Sinks:RetryMaxDelay"] = "00:01:00",
        }));
        Assert.Contains("Sinks:RetryInitialDelay (00:02:00) must not exceed Sinks:RetryMaxDelay", backwards.Message, StringComparison.Ordinal);

        var tooOften = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?> { ["Sinks:PollInterval"] = "00:00:00.010" }));
        Assert.Contains("Sinks:PollInterval", tooOften.Message, StringComparison.Ordinal);
    }

    private static SinkOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddLogging().AddSinks(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SinkOptions>>().Value;
    }
}
