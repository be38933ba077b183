using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.TestingHost;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Hosting;
using VideoAnalytics.Silo.Placement;
using VideoAnalytics.Silo.Registry;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Tests.EndToEnd;
using Eventually = VideoAnalytics.Tests.Support.Eventually;

namespace VideoAnalytics.Tests.Silo.Cameras;

/// <summary>
/// Camera grains, the keeper and placement in Orleans' TestingHost: silos in this process sharing one registry,
/// status board and detection streams (as silos share Redis), file cameras on the tiny model.
/// </summary>
[Collection(CameraTestGroup.Name)]
public sealed class CameraGrainClusterTests(PipelineMedia media) : IClassFixture<PipelineMedia>, IAsyncLifetime
{
    private static readonly string[] Cameras = [.. Enumerable.Range(1, 8).Select(i => $"grain-cam-{i}")];
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        TestSilo.Cluster.Reset();
        var builder = new TestClusterBuilder(2);
        foreach (var (key, value) in media.Settings(new() { ["Inference:IntraOpThreads"] = "1" }))
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<TestSilo>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Cameras_spread_by_silo_name_each_activation_takes_a_new_epoch_and_a_joining_silo_takes_exactly_what_it_wins()
    {
        foreach (var id in Cameras)
        {
            await TestSilo.Cluster.Registry.AddAsync(new CameraSpec { Id = id, Url = media.Clip, Fps = 5 });
        }

        var two = SiloNames();
        var before = await StreamingAsync(s => s.Silo == Owner(s.Id, two), "every camera streaming where rendezvous puts it");
        Assert.Equal(2, before.Values.Select(s => s.Silo).Distinct().Count());
        Assert.All(before.Values, s => Assert.True(s.Epoch > 0, $"{s.Id} reports epoch {s.Epoch}"));

        // A new silo: the keepers hear of it through membership; only the cameras it wins move, each to a new epoch.
        await _cluster.StartAdditionalSiloAsync();
        await _cluster.WaitForLivenessToStabilizeAsync();
        var three = SiloNames();
        var joined = three.Except(two).Single();
        var moving = Cameras.Where(c => Owner(c, three) == joined).ToList();
        var after = await StreamingAsync(s => s.Silo == Owner(s.Id, three), $"the cameras {joined} wins streaming there");
        foreach (var camera in Cameras)
        {
            if (moving.Contains(camera))
            {
                Assert.True(after[camera].Epoch > before[camera].Epoch, $"{camera} moved but kept epoch {after[camera].Epoch}");
            }
            else
            {
                Assert.Equal(before[camera].Epoch, after[camera].Epoch); // never stopped, never re-activated
            }
        }

        // The frames a camera published after moving carry the new epoch and keep the stream's order.
        foreach (var camera in moving)
        {
            await Eventually.UntilAsync(() => TestSilo.Cluster.Streams.LatestAsync(camera), e => e?.Frame.Epoch == after[camera].Epoch,
                TimeSpan.FromSeconds(20), $"{camera} publishing under epoch {after[camera].Epoch}");
        }
    }

    [Fact]
    public async Task Disabling_stops_a_camera_and_removing_deletes_its_stream_and_status_while_others_run()
    {
        await TestSilo.Cluster.Registry.AddAsync(new CameraSpec { Id = "stays", Url = media.Clip, Fps = 5 });
        await TestSilo.Cluster.Registry.AddAsync(new CameraSpec { Id = "goes", Url = media.Clip, Fps = 5 });
        var running = await StreamingAsync(_ => true, "both cameras streaming", ["stays", "goes"]);

        await TestSilo.Cluster.Registry.ReplaceAsync(new CameraSpec { Id = "goes", Url = media.Clip, Fps = 5, Enabled = false });
        var stopped = await Eventually.UntilAsync(() => TestSilo.Cluster.Statuses.GetAsync("goes"), s => s is { State: CameraState.Stopped, Silo: null },
            TimeSpan.FromSeconds(10), "the disabled camera reported stopped");
        Assert.Equal(running["goes"].Epoch, stopped!.Epoch);

        // Enabled again: a new activation, a new epoch.
        await TestSilo.Cluster.Registry.ReplaceAsync(new CameraSpec { Id = "goes", Url = media.Clip, Fps = 5 });
        var again = await StreamingAsync(s => s.Id != "goes" || s.Epoch > running["goes"].Epoch, "the re-enabled camera streaming under a new epoch", ["stays", "goes"]);
        Assert.Equal(running["stays"].Epoch, again["stays"].Epoch);

        await TestSilo.Cluster.Registry.RemoveAsync("goes");
        await Eventually.UntilAsync(async () => (await TestSilo.Cluster.Statuses.GetAsync("goes"), await TestSilo.Cluster.Streams.LatestAsync("goes")),
            r => r.Item1 is null && r.Item2 is null, TimeSpan.FromSeconds(10), "the removed camera's status and stream deleted");
        var mark = (await TestSilo.Cluster.Streams.LatestAsync("stays"))!.Position;
        await Eventually.UntilAsync(() => TestSilo.Cluster.Streams.LatestAsync("stays"), e => TestSilo.Cluster.Streams.ComparePositions(e!.Position, mark) > 0,
            TimeSpan.FromSeconds(10), "the other camera still publishing");
        Assert.Null(await TestSilo.Cluster.Statuses.GetAsync("goes"));
    }

    [Fact]
    public async Task A_camera_on_a_broken_model_fails_with_the_reason_and_streams_once_the_file_is_fixed()
    {
        var model = "broken-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(media.Models, model + ".onnx");
        await File.WriteAllTextAsync(file, "not a model");
        await TestSilo.Cluster.Registry.AddAsync(new CameraSpec { Id = "on-" + model, Url = media.Clip, Fps = 5, Model = model });

        var failed = await Eventually.UntilAsync(() => TestSilo.Cluster.Statuses.GetAsync("on-" + model), s => s is { State: CameraState.Failed },
            TimeSpan.FromSeconds(30), "the camera reported failed");
        Assert.Contains($"model '{model}' cannot be loaded", failed!.LastError, StringComparison.Ordinal);
        Assert.Contains(file, failed.LastError, StringComparison.Ordinal);

        // No restart: the keeper's next call finds the replaced file and the camera starts.
        File.Copy(VideoAnalytics.Tests.Inference.TestFrames.DataPath("tiny-raw.onnx"), file, overwrite: true);
        await StreamingAsync(_ => true, "the camera streaming on the fixed model", ["on-" + model]);
    }

    private List<string> SiloNames() => [.. _cluster.GetActiveSilos().Select(s => s.Name)];

    private static string Owner(string camera, IReadOnlyList<string> silos) =>
        RendezvousPlacement.Owner(camera, [.. silos.Select(name => new SiloMember(name, 1))])!;

    private static async Task<Dictionary<string, CameraStatus>> StreamingAsync(Func<CameraStatus, bool> also, string what, string[]? cameras = null)
    {
        cameras ??= Cameras;
        var statuses = await Eventually.UntilAsync(
            async () => (await TestSilo.Cluster.Statuses.ListAsync()).Where(s => cameras.Contains(s.Id)).ToList(),
            list => list.Count == cameras.Length && list.All(s => s.State == CameraState.Streaming && s.FramesProcessed > 0 && also(s)),
            TimeSpan.FromSeconds(60),
            what);
        return statuses.ToDictionary(s => s.Id, StringComparer.Ordinal);
    }
}
