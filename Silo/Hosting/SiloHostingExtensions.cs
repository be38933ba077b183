using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using ClusterOptions = VideoAnalytics.Silo.Cluster.ClusterOptions;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Silo.Placement;
using VideoAnalytics.Silo.Registry;
using VideoAnalytics.Silo.Sinks;
using VideoAnalytics.Silo.Storage;
using VideoAnalytics.Silo.Streams;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// Makes a process an Orleans silo running cameras: the services of <see cref="SiloServiceCollectionExtensions.AddSilo"/>
/// plus the runtime, configured from the <c>Cluster</c> section. One process (<c>InMemory</c>): localhost clustering on
/// a free loopback port, camera grain state in <c>data/grains.db</c> (SQLite), reminders in memory. A cluster (<c>Redis</c>): membership, grain directory,
/// grain state and reminders in Redis, with the membership timing of <see cref="ClusterOptions"/>.
/// </summary>
public static class SiloHostingExtensions
{
    public static IHostApplicationBuilder AddSiloHost(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.AddSilo(configuration);
        var cluster = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        var identity = SiloIdentity.From(configuration);
        var registry = configuration.GetSection(RegistryOptions.Section).Get<RegistryOptions>() ?? new RegistryOptions();
        builder.UseOrleans(silo => Configure(silo, cluster, identity, registry));
        return builder;
    }

    /// <summary>
    /// What camera and inference grains need of the runtime whatever the clustering: our placement directors and the
    /// silo metadata they read (this silo's capacity and inference devices; metadata is set once, in one call).
    /// </summary>
    public static ISiloBuilder AddCameraPlacement(this ISiloBuilder silo, double capacity)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var inference = silo.Configuration.GetSection(InferenceOptions.Section).Get<InferenceOptions>() ?? new InferenceOptions();
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [CameraPlacement.CapacityKey] = capacity.ToString(CultureInfo.InvariantCulture),
            [InferencePlacementDirector.DevicesKey] = string.Join(',', inference.DevicesOrDefault),
        });
        silo.AddPlacementDirector<CameraPlacementStrategy, CameraPlacementDirector>();
        silo.AddPlacementDirector<InferencePlacementStrategy, InferencePlacementDirector>();
        return silo;
    }

    private static void Configure(ISiloBuilder silo, ClusterOptions cluster, SiloIdentity identity, RegistryOptions registry)
    {
        silo.Configure<SiloOptions>(o => o.SiloName = identity.Name);
        silo.AddCameraPlacement(cluster.Capacity);
        silo.AddDetectionStreams(cluster);

        // Every silo reports its grains to the Orleans dashboard, which the gateway serves at /orleans.
        silo.AddDashboard();
        if (cluster.Provider == ClusterProvider.Redis)
        {
            ConfigureRedis(silo, cluster);
        }
        else
        {
            // Nothing outside this process talks to its silo: any free loopback port will do, and no client gateway.
            silo.UseLocalhostClustering(siloPort: FreeLoopbackPort(), gatewayPort: 0, serviceId: cluster.OrleansServiceId, clusterId: cluster.OrleansServiceId);
            // Camera epochs must outlive the process (the embedded history keeps their fences): SQLite beside it.
            // Sink checkpoints beside them, in the same store: rows are keyed by grain, and one writer per file.
            if (SiloServiceCollectionExtensions.EmbeddedStorePath(registry, "grains.db") is { } path)
            {
                silo.Services.AddSingleton(sp => new SqliteGrainStorage(path, sp.GetRequiredService<Serializer>()));
                silo.Services.AddGrainStorage(CameraGrain.StorageName, (sp, _) => sp.GetRequiredService<SqliteGrainStorage>());
                silo.Services.AddGrainStorage(SinkGrain.StorageName, (sp, _) => sp.GetRequiredService<SqliteGrainStorage>());
            }
            else
            {
                silo.AddMemoryGrainStorage(CameraGrain.StorageName);
                silo.AddMemoryGrainStorage(SinkGrain.StorageName);
            }

            silo.UseInMemoryReminderService();
        }
    }

    private static void ConfigureRedis(ISiloBuilder silo, ClusterOptions cluster)
    {
        // The options are validated at start (ClusterOptionsValidator); a missing connection string fails there first.
        var redis = OrleansRedis.Connection(cluster);
        silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ServiceId = cluster.OrleansServiceId;
            o.ClusterId = cluster.OrleansServiceId;
        });
        if (IPAddress.TryParse(cluster.AdvertisedAddress, out var advertised))
        {
            silo.ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        }

        silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
        silo.UseRedisGrainDirectoryAsDefault(o => o.ConfigurationOptions = redis.Clone());
        silo.AddRedisGrainStorage(CameraGrain.StorageName, o => o.ConfigurationOptions = redis.Clone());
        silo.AddRedisGrainStorage(SinkGrain.StorageName, o => o.ConfigurationOptions = redis.Clone());
        silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = cluster.ProbeTimeout;
            o.MaxProbeTimeout = cluster.ProbeTimeout;
            o.NumMissedProbesLimit = cluster.MissedProbesLimit;
            o.TableRefreshTimeout = cluster.TableRefreshTimeout;
            o.IAmAliveTablePublishTimeout = cluster.IAmAlivePublishTimeout;

            // Votes expire quickly so a cluster that lost silos recently can still agree on the next one; a frozen
            // process keeps its sockets open, so an open connection must not count as a sign of life (measured: a
            // SIGSTOPped silo's grains moved after 3.3 s with this off, 8–9 s with it on).
            o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);
            o.EnableConnectionLivenessCheck = false;
        });
    }

    // Below Linux's ephemeral range (32768–60999): a port the kernel picked for a port-0 bind could be handed to
    // some outgoing connection in the second before Orleans binds it; nothing is handed out from here by itself.
    // (The test suite takes its servers' ports from 20000–25999, so the two never meet.)
    private static int FreeLoopbackPort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(26000, 32000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: try another
            }
        }

        throw new InvalidOperationException("no free loopback port between 26000 and 32000 for the in-process Orleans silo");
    }
}
