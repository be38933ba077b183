using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Silo.Cameras;

namespace VideoAnalytics.Tests.Silo.Cameras;

public sealed class CameraOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_as_documented()
    {
        var options = new CameraOptions();

        Assert.True(new CameraOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(5), options.WatchdogTimeout);
        Assert.Equal(TimeSpan.FromSeconds(0.5), options.ReconnectInitialDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ReconnectMaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.OpenTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ReadTimeout);
        Assert.True(options.LoopFiles);
        Assert.Equal(RtspTransport.Tcp, options.RtspTransport);
        Assert.Empty(options.MediaRoots);
    }

    [Fact]
    public void Configuration_binds_and_validates_with_the_key_named()
    {
        var good = Resolve(new Dictionary<string, string?>
        {
            ["Cameras:MediaRoots:0"] = "/srv/media",
            ["Cameras:WatchdogTimeout"] = "00:00:03",
            ["Cameras:RtspTransport"] = "Udp",
            ["Cameras:LoopFiles"] = "false",
        });
        Assert.Equal(["/srv/media"], good.MediaRoots);
        Assert.Equal(TimeSpan.FromSeconds(3), good.WatchdogTimeout);
        Assert.Equal(RtspTransport.Udp, good.RtspTransport);
        Assert.False(good.LoopFiles);

        var backwards = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["Cameras:ReconnectInitialDelay"] = "00:01:00",
            ["Cameras:ReconnectMaxDelay"] = "00:00:10",
        }));
        Assert.Contains("Cameras:ReconnectInitialDelay", backwards.Message, StringComparison.Ordinal);

        var tooShort = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?> { ["Cameras:WatchdogTimeout"] = "00:00:00.010" }));
        Assert.Contains("Cameras:WatchdogTimeout", tooShort.Message, StringComparison.Ordinal);

        var relative = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?> { ["Cameras:MediaRoots:0"] = "models" }));
        Assert.Contains("Cameras:MediaRoots:0 must be an absolute folder path", relative.Message, StringComparison.Ordinal);
    }

    private static CameraOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddCameraOptions(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<CameraOptions>>().Value;
    }
}
