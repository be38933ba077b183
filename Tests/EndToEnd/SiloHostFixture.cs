using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Hosting;
using VideoAnalytics.Silo.Inference;

namespace VideoAnalytics.Tests.EndToEnd;

/// <summary>
/// An Orleans silo (camera grains, inference grains, keeper, in-memory providers) running in the test
/// process, configured by a dictionary of settings. Lets end-to-end tests reach the registry, streams and
/// status board directly.
/// </summary>
public sealed class SiloHostFixture : IAsyncDisposable
{
    private readonly IHost _host;

    private SiloHostFixture(IHost host) => _host = host;

    public ICameraRegistry Registry => _host.Services.GetRequiredService<ICameraRegistry>();

    public IDetectionStreams Streams => _host.Services.GetRequiredService<IDetectionStreams>();

    public ICameraStatusBoard Statuses => _host.Services.GetRequiredService<ICameraStatusBoard>();

    public InferenceHost Inference => _host.Services.GetRequiredService<InferenceHost>();

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    public static async Task<SiloHostFixture> StartAsync(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddSiloHost();
        var host = builder.Build();
        await host.StartAsync();
        return new SiloHostFixture(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
