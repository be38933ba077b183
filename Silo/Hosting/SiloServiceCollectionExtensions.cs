using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Registry;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>Registers the silo: camera and inference grains, their supervisor, and the single-process providers.</summary>
public static class SiloServiceCollectionExtensions
{
    public static IServiceCollection AddSilo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<InferenceOptions>().Bind(configuration.GetSection(InferenceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddCameraOptions(configuration);
        // Media roots may be written relative (appsettings: "models"); they mean the working directory's.
        services.PostConfigure<CameraOptions>(o =>
        {
            for (var i = 0; i < o.MediaRoots.Count; i++)
            {
                o.MediaRoots[i] = Path.GetFullPath(o.MediaRoots[i]);
            }
        });
        services.AddOptions<StreamOptions>().Bind(configuration.GetSection(StreamOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.Section));

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new PipelineMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(new SiloIdentity(configuration["Silo:Name"] is { Length: > 0 } name ? name : $"{Environment.MachineName}-{Environment.ProcessId}"));
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<AnnotatedFrameTap>();

        // Single-process providers; the cluster registration replaces these with Redis ones.
        services.AddSingleton<IDetectionStreams, InMemoryDetectionStreams>();
        services.AddSingleton<ICameraRegistry, JsonFileCameraRegistry>();
        services.AddSingleton<ICameraStatusBoard, InMemoryCameraStatusBoard>();
        services.AddSingleton<ICameraOwnership, SingleSiloOwnership>();

        services.AddSingleton<InferenceHost>();
        services.AddHostedService(sp => sp.GetRequiredService<InferenceHost>());
        services.AddSingleton<CameraSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<CameraSupervisor>());
        return services;
    }
}
