using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.TestingHost;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Hosting;
using VideoAnalytics.Silo.Registry;
using VideoAnalytics.Silo.Streams;

namespace VideoAnalytics.Tests.Silo.Cameras;

/// <summary>
/// A TestingHost silo as the real ones are built (our services, camera and inference placement, live streams), with
/// grain state and reminders in memory and the registry, status board and detection history of <see cref="Cluster"/>:
/// the test's silos share them as a cluster's silos share Redis. Tests using it run in <see cref="CameraTestGroup"/>,
/// one at a time, and call <see cref="Cluster.Reset"/> first.
/// </summary>
public sealed class TestSilo : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.Services.AddSilo(siloBuilder.Configuration);
        siloBuilder.Services.AddSingleton(Cluster.Registry);
        siloBuilder.Services.AddSingleton(Cluster.Statuses);
        siloBuilder.Services.AddSingleton(Cluster.Streams);
        siloBuilder.AddCameraPlacement(capacity: 1);
        siloBuilder.AddDetectionStreams(new ClusterOptions());
        siloBuilder.AddMemoryGrainStorage(CameraGrain.StorageName);
        siloBuilder.UseInMemoryReminderService();
    }

    /// <summary>What the test's silos share (each test silo has its own service container).</summary>
    public static class Cluster
    {
        public static ICameraRegistry Registry { get; private set; } = null!;

        public static ICameraStatusBoard Statuses { get; private set; } = null!;

        public static IDetectionStreams Streams { get; private set; } = null!;

        public static void Reset()
        {
            Registry = new JsonFileCameraRegistry(Options.Create(new RegistryOptions { DataDirectory = string.Empty }));
            Statuses = new InMemoryCameraStatusBoard();
            Streams = new InMemoryDetectionStreams(Options.Create(new StreamOptions()));
        }
    }
}
