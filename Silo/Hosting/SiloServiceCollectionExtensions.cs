using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Placement;
using VideoAnalytics.Silo.Registry;
using VideoAnalytics.Silo.Sinks;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// Registers what a silo's grains use: the inference host, the camera keeper, and the providers the <c>Cluster</c>
/// section picks (in-memory for one process, Redis for a cluster). <see cref="SiloHostingExtensions.AddSiloHost"/>
/// adds the Orleans runtime on top.
/// </summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>The services of a silo; the Orleans runtime itself comes from <see cref="SiloHostingExtensions.AddSiloHost"/>.</summary>
    public static IServiceCollection AddSilo(this IServiceCollection services, IConfiguration configuration)
    {
        // Inside a silo its name is Orleans' (SiloOptions.SiloName, set from Silo:Name): status and placement agree.
        services.AddSingleton(sp => new SiloIdentity(sp.GetRequiredService<ILocalSiloDetails>().Name));
        services.AddSiloProviders(configuration);

        // Only a process that runs models checks that the models its settings name are there (a cluster gateway
        // without inference does not preload or serve the detect default).
        services.AddSingleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>();

        // Registered before the Orleans silo, so it starts first and stops last: camera grains attach to it.
        services.AddSingleton<DetectionPublisher>();
        services.AddSingleton<InferenceHost>();
        services.AddHostedService(sp => sp.GetRequiredService<InferenceHost>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, InferenceGrainActivator>();
        services.AddSingleton<CameraPlacement>();
        services.AddSingleton<CameraKeeper>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<CameraKeeper>());
        services.AddSinks(configuration);
        if (ClusterProviderOf(configuration) == ClusterProvider.Redis)
        {
            services.AddHostedService<RedisHistoryRetention>();
        }
        return services;
    }

    /// <summary>
    /// What a process needs to read and write the shared state without running cameras (a cluster gateway): options,
    /// model catalog (to validate camera requests), registry, status board and detection streams.
    /// </summary>
    public static IServiceCollection AddSiloProviders(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        RetiredSettings.ThrowIfSet(configuration);
        services.AddOptions<InferenceOptions>().Bind(configuration.GetSection(InferenceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddCameraOptions(configuration);
        // Media roots may be written relative (appsettings: "models"); they mean the working directory's.
        services.PostConfigure<CameraOptions>(o =>
        {
            for (var i = 0; i < o.MediaRoots.Count; i++)
            {
                o.MediaRoots[i] = Path.GetFullPath(o.MediaRoots[i]);
            }

            if (!string.IsNullOrWhiteSpace(o.SecretsDirectory))
            {
                o.SecretsDirectory = Path.GetFullPath(o.SecretsDirectory);
            }
        });
        services.AddOptions<StreamOptions>().Bind(configuration.GetSection(StreamOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.Section));
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new PipelineMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(SiloIdentity.From(configuration));
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<AnnotatedFrameTap>();

        if (ClusterProviderOf(configuration) == ClusterProvider.Redis)
        {
            services.AddRedisProviders();
        }
        else
        {
            // With a data directory (the default) history survives restarts in SQLite; without, it lives in memory.
            services.AddSingleton<IDetectionStreams>(sp =>
                EmbeddedStorePath(sp.GetRequiredService<IOptions<RegistryOptions>>().Value, "detections.db") is { } path
                    ? new SqliteDetectionStreams(path, sp.GetRequiredService<IOptions<StreamOptions>>(), sp.GetRequiredService<TimeProvider>())
                    : new InMemoryDetectionStreams(sp.GetRequiredService<IOptions<StreamOptions>>()));
            services.AddSingleton<ICameraRegistry, JsonFileCameraRegistry>();
            services.AddSingleton<ISinkRegistry, JsonFileSinkRegistry>();
            services.AddSingleton<ICameraStatusBoard, InMemoryCameraStatusBoard>();
        }

        return services;
    }

    /// <summary>The file of an embedded store under <c>Registry:DataDirectory</c>; null when that is empty (memory only).</summary>
    internal static string? EmbeddedStorePath(RegistryOptions registry, string file) =>
        string.IsNullOrEmpty(registry.DataDirectory) ? null : Path.Combine(Path.GetFullPath(registry.DataDirectory), file);

    // Read at registration because it decides which services exist; the options validation reports bad values.
    internal static ClusterProvider ClusterProviderOf(IConfiguration configuration) =>
        configuration.GetSection(ClusterOptions.Section).GetValue(nameof(ClusterOptions.Provider), ClusterProvider.InMemory);
}
