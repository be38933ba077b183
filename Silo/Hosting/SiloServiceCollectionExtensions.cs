using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Registry;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// Registers the silo: camera and inference grains, their supervisor, and the providers the <c>Cluster</c> section
/// picks (in-memory for one process, Redis for a cluster).
/// </summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>A silo: providers, grains and (in a cluster) membership and leases.</summary>
    public static IServiceCollection AddSilo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSiloProviders(configuration);
        if (ClusterProviderOf(configuration) == ClusterProvider.Redis)
        {
            services.AddRedisOwnership();
        }
        else
        {
            services.AddSingleton<ICameraOwnership, SingleSiloOwnership>();
        }

        services.AddSingleton<InferenceHost>();
        services.AddHostedService(sp => sp.GetRequiredService<InferenceHost>());
        services.AddSingleton<CameraSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<CameraSupervisor>());
        return services;
    }

    /// <summary>
    /// What a process needs to read and write the shared state without running cameras (a cluster gateway): options,
    /// model catalog (to validate camera requests), registry, status board and detection streams.
    /// </summary>
    public static IServiceCollection AddSiloProviders(this IServiceCollection services, IConfiguration configuration)
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
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new PipelineMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(new SiloIdentity(configuration["Silo:Name"] is { Length: > 0 } name ? name : $"{Environment.MachineName}-{Environment.ProcessId}"));
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<AnnotatedFrameTap>();

        if (ClusterProviderOf(configuration) == ClusterProvider.Redis)
        {
            services.AddRedisProviders();
        }
        else
        {
            services.AddSingleton<IDetectionStreams, InMemoryDetectionStreams>();
            services.AddSingleton<ICameraRegistry, JsonFileCameraRegistry>();
            services.AddSingleton<ICameraStatusBoard, InMemoryCameraStatusBoard>();
        }

        return services;
    }

    // Read at registration because it decides which services exist; the options validation reports bad values.
    private static ClusterProvider ClusterProviderOf(IConfiguration configuration) =>
        configuration.GetSection(ClusterOptions.Section).GetValue(nameof(ClusterOptions.Provider), ClusterProvider.InMemory);
}
