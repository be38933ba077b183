using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Contracts.Inference;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Hosting;
using VideoAnalytics.Silo.Registry;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Tests.EndToEnd;
using VideoAnalytics.Tests.Silo.Cameras;
using Eventually = VideoAnalytics.Tests.Support.Eventually;

namespace VideoAnalytics.Tests.Silo;

/// <summary>
/// Inference grains in Orleans' TestingHost: two silos with two devices each (<c>cpu</c>, and <c>cuda:0</c>, which
/// falls back to the CPU on this build), sharing one registry, status board and detection streams as silos share Redis.
/// </summary>
[Collection(CameraTestGroup.Name)]
public sealed class InferenceGrainClusterTests(PipelineMedia media) : IClassFixture<PipelineMedia>, IAsyncLifetime
{
    private static readonly string[] Devices = ["cpu", "cuda:0"];
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        TestSilo.Cluster.Reset();
        var builder = new TestClusterBuilder(2);
        var settings = media.Settings(new()
        {
            ["Inference:IntraOpThreads"] = "1",
            ["Inference:Devices:0"] = Devices[0],
            ["Inference:Devices:1"] = Devices[1],
            ["Inference:FallbackToCpu"] = "true",
        });
        foreach (var (key, value) in settings)
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<TestSilo>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Every_silo_runs_one_inference_grain_per_device_on_itself_activated_at_start()
    {
        var silos = _cluster.GetActiveSilos().ToDictionary(s => s.SiloAddress, s => s.Name);
        var expected = silos.Values.SelectMany(name => Devices.Select(d => InferenceGrainKey.Format(name, d))).Order().ToList();

        // Nobody called them yet: the silos activated them themselves, each on the silo its key names.
        var active = await Eventually.UntilAsync(ActivationsAsync, a => a.Count == expected.Count, TimeSpan.FromSeconds(30),
            "one inference grain per silo and device activated at start");
        Assert.Equal(expected, active.Select(a => a.Key).Order().ToList());
        Assert.All(active, a => Assert.Equal(silos[a.Silo], InferenceGrainKey.TryParse(a.Key, out var silo, out _) ? silo : null));

        foreach (var key in expected)
        {
            Assert.True(InferenceGrainKey.TryParse(key, out var silo, out var device));
            var status = await _cluster.Client.GetGrain<IInferenceGrain>(key).GetStatusAsync();
            Assert.Equal(silo, status.Silo);
            Assert.Equal(device, status.RequestedDevice);
            Assert.Equal("cpu", status.Device);
            Assert.Equal(device == "cuda:0", status.FellBackToCpu);
            Assert.Contains("refinedet-lite-320", status.ModelsLoaded); // preloaded on the device at start
        }

        // Calls made no second activation anywhere.
        Assert.Equal(expected.Count, (await ActivationsAsync()).Count);
    }

    [Fact]
    public async Task The_status_of_a_silos_inference_grains_lists_the_cameras_running_there()
    {
        string[] cameras = ["inf-cam-1", "inf-cam-2", "inf-cam-3"];
        foreach (var id in cameras)
        {
            await TestSilo.Cluster.Registry.AddAsync(new CameraSpec { Id = id, Url = media.Clip, Fps = 5 });
        }

        var running = await Eventually.UntilAsync(
            async () => (await TestSilo.Cluster.Statuses.ListAsync()).Where(s => cameras.Contains(s.Id)).ToList(),
            list => list.Count == cameras.Length && list.All(s => s is { State: CameraState.Streaming, FramesProcessed: > 0 }),
            TimeSpan.FromSeconds(60), "every camera streaming");

        foreach (var silo in _cluster.GetActiveSilos().Select(s => s.Name))
        {
            var here = running.Where(s => s.Silo == silo).Select(s => s.Id).Order().ToList();
            var statuses = await Task.WhenAll(Devices.Select(d => _cluster.Client.GetGrain<IInferenceGrain>(InferenceGrainKey.Format(silo, d)).GetStatusAsync()));
            Assert.Equal(here, statuses.SelectMany(s => s.Cameras).Order().ToList());
            if (here.Count > 0)
            {
                Assert.True(statuses.Sum(s => s.Batches) > 0, $"{silo} runs {here.Count} cameras but reports no batch");
            }
        }

        // A removed camera is no longer attached to any worker.
        await TestSilo.Cluster.Registry.RemoveAsync(cameras[0]);
        var owner = running.Single(s => s.Id == cameras[0]).Silo!;
        await Eventually.UntilAsync(
            async () => (await Task.WhenAll(Devices.Select(d => _cluster.Client.GetGrain<IInferenceGrain>(InferenceGrainKey.Format(owner, d)).GetStatusAsync())))
                .SelectMany(s => s.Cameras).ToList(),
            attached => !attached.Contains(cameras[0]), TimeSpan.FromSeconds(20), "the removed camera detached");
    }

    [Theory]
    [InlineData("nowhere", "cpu", "no active silo is named 'nowhere'")]
    [InlineData(null, "cuda:7", "has no inference device 'cuda:7'")]
    public async Task A_key_naming_a_silo_or_device_the_cluster_lacks_is_refused_and_activates_nowhere(string? silo, string device, string reason)
    {
        var key = InferenceGrainKey.Format(silo ?? _cluster.Primary!.Name, device);
        await Eventually.UntilAsync(ActivationsAsync, a => a.Count == 2 * Devices.Length, TimeSpan.FromSeconds(30), "the silos' own inference grains active");

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => _cluster.Client.GetGrain<IInferenceGrain>(key).GetStatusAsync());
        Assert.Contains(reason, refused.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await ActivationsAsync(), a => a.Key == key);
        Assert.Equal(2 * Devices.Length, (await ActivationsAsync()).Count);
    }

    // Orleans names a grain class by its runtime type name: "Namespace.Type,Assembly".
    private async Task<List<(string Key, SiloAddress Silo)>> ActivationsAsync()
    {
        var stats = await _cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return [.. stats.Where(s => s.GrainType is not null && s.GrainType.StartsWith(typeof(VideoAnalytics.Silo.Inference.DeviceInferenceGrain).FullName + ",", StringComparison.Ordinal))
            .Select(s => (s.GrainId.Key.ToString()!, s.SiloAddress))];
    }
}
