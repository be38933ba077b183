using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Gateway.Hosting;

/// <summary>
/// Registers the demo camera at start when enabled and not yet registered (an operator who deleted or changed
/// it keeps their choice across restarts only if they also disable the demo: the seeder never overwrites).
/// </summary>
public sealed class DemoCameraSeeder(ICameraRegistry registry, IOptions<DemoOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var demo = options.Value;
        if (!demo.Enabled || await registry.GetAsync(demo.CameraId, cancellationToken) is not null)
        {
            return;
        }

        await registry.AddAsync(
            new CameraSpec { Id = demo.CameraId, Url = Path.GetFullPath(demo.Url), Fps = demo.Fps },
            cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
