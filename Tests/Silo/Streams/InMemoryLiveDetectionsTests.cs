using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.TestingHost;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Streams;

namespace VideoAnalytics.Tests.Silo.Streams;

/// <summary>The all-in-one form: Orleans memory streams, the gateway subscribing through its co-hosted silo.</summary>
public sealed class InMemoryLiveDetectionsTests : LiveDetectionsContract
{
    protected override async Task<TestCluster> DeployAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<MemorySilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    protected override IClusterClient GatewayClient(TestCluster cluster) =>
        SiloServices(cluster).GetRequiredService<IClusterClient>();

    private sealed class MemorySilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddSingleton<IDetectionStreams>(new InMemoryDetectionStreams(Options.Create(new StreamOptions())));
            siloBuilder.Services.AddSingleton<DetectionPublisher>();
            siloBuilder.AddDetectionStreams(new ClusterOptions());
        }
    }
}
