using System.Diagnostics;
using Xunit.Abstractions;
using VideoAnalytics.Tests.Silo.Cameras;
using VideoAnalytics.Tests.Support;
using Eventually = VideoAnalytics.Tests.Support.Eventually;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>
/// Real processes: silos and a gateway on one Redis, cameras on a live RTSP server, a subscriber on the gateway.
/// Runs with the camera tests (one at a time) so that their frame-rate measurements are not disturbed.
/// </summary>
[Collection(CameraTestGroup.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int SigKill = 9;
    private const int SigStop = 19;
    private const int SigCont = 18;
    private static readonly string[] Cameras = [.. Enumerable.Range(1, 6).Select(i => $"cam-{i}")];

    [Fact]
    public async Task A_killed_silos_cameras_stream_again_elsewhere_within_ten_seconds_with_no_duplicates()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 3);
        await cluster.AddCamerasAsync(Cameras);
        var owners = await cluster.WaitStreamingAsync(Cameras, TimeSpan.FromSeconds(45));
        var subscribers = Cameras.ToDictionary(c => c, c => DetectionSubscriber.Start(cluster.Gateway!.BaseAddress, c));
        try
        {
            await Eventually.UntilAsync(() => subscribers.Values.All(s => s.Frames.Count >= 3), TimeSpan.FromSeconds(20), "frames on every subscription");
            var victim = owners.Values.GroupBy(s => s).OrderByDescending(g => g.Count()).First().Key;
            var moved = owners.Where(o => o.Value == victim).Select(o => o.Key).ToList();
            var epochs = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var camera in Cameras)
            {
                epochs[camera] = await cluster.EpochAsync(camera);
            }

            var clock = Stopwatch.StartNew();
            var killedAt = DateTime.Now.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
            cluster.Silos[victim].Signal(SigKill);

            // Its cameras come back on the survivors: frames of a newer epoch reach the subscriber.
            await Eventually.UntilAsync(
                () => moved.All(c => subscribers[c].Frames.Any(f => f.Epoch > epochs[c])),
                TimeSpan.FromSeconds(10), $"the cameras of {victim} ({string.Join(", ", moved)}) streaming again");
            var failover = clock.Elapsed;
            Assert.True(failover < TimeSpan.FromSeconds(10), $"failover took {failover}");
            output.WriteLine($"{victim} killed at {killedAt}; its cameras {string.Join(", ", moved)} streamed again after {failover.TotalSeconds:0.0} s");

            // A few more frames everywhere, then check the whole sequence each subscriber saw.
            var counts = Cameras.ToDictionary(c => c, c => subscribers[c].Frames.Count);
            await Eventually.UntilAsync(() => Cameras.All(c => subscribers[c].Frames.Count >= counts[c] + 3), TimeSpan.FromSeconds(15), "frames after failover");
            var after = await cluster.WaitStreamingAsync(Cameras, TimeSpan.FromSeconds(10), s => s.Silo != victim);
            foreach (var camera in Cameras)
            {
                StreamAssert.Continuous(camera, subscribers[camera].Frames);
                if (moved.Contains(camera))
                {
                    Assert.NotEqual(victim, after[camera]);
                }
                else
                {
                    // Cameras of the survivors did not move: same owner, same activation.
                    Assert.Equal(owners[camera], after[camera]);
                    Assert.Equal(epochs[camera], await cluster.EpochAsync(camera));
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(e.Message + "\n" + cluster.Logs(), e);
        }
        finally
        {
            foreach (var subscriber in subscribers.Values)
            {
                await subscriber.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_silo_frozen_until_declared_dead_publishes_nothing_accepted_after_it_resumes()
    {
        string[] cameras = ["frozen-1", "frozen-2", "frozen-3", "frozen-4"];
        await using var cluster = await TestCluster.StartAsync(silos: 2);
        await cluster.AddCamerasAsync(cameras);
        var owners = await cluster.WaitStreamingAsync(cameras, TimeSpan.FromSeconds(45));
        var frozen = owners.Values.GroupBy(s => s).OrderByDescending(g => g.Count()).First().Key;
        var its = owners.Where(o => o.Value == frozen).Select(o => o.Key).ToList();
        var oldEpochs = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var camera in its)
        {
            oldEpochs[camera] = await cluster.EpochAsync(camera);
        }

        var silo = cluster.Silos[frozen];
        silo.Signal(SigStop);
        try
        {
            // Once membership declares it dead, the other silo activates its cameras under newer epochs.
            await Eventually.UntilAsync(
                async () => await Task.WhenAll(its.Select(async c => (await cluster.Streams.LatestAsync(c))?.Frame.Epoch ?? 0)),
                latest => latest.Select((e, i) => e > oldEpochs[its[i]]).All(x => x),
                TimeSpan.FromSeconds(15), "the frozen silo's cameras publishing under a new epoch");
        }
        finally
        {
            silo.Signal(SigCont);
        }

        try
        {
            // The resumed silo learns that membership declared it dead and leaves; whatever its superseded
            // activations still published in between was refused by the fence.
            await Eventually.UntilAsync(() => silo.HasExited || silo.Output.Contains("declared dead", StringComparison.OrdinalIgnoreCase),
                TimeSpan.FromSeconds(30), "the resumed silo learning it was declared dead");
            var marks = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var camera in cameras)
            {
                marks[camera] = (await cluster.Streams.LatestAsync(camera))!.Position;
            }

            await Eventually.UntilAsync(
                async () => await Task.WhenAll(cameras.Select(async c => (await cluster.Streams.ReadAsync(c, marks[c], 10)).Count)),
                counts => counts.All(n => n >= 3), TimeSpan.FromSeconds(20), "frames after the silo resumed");

            foreach (var camera in its)
            {
                var stream = await cluster.Streams.ReadAsync(camera, null, 100_000);
                var firstNew = stream.ToList().FindIndex(e => e.Frame.Epoch > oldEpochs[camera]);
                Assert.True(firstNew > 0, $"{camera}: no frame of the old epoch before the takeover");
                Assert.DoesNotContain(stream.Skip(firstNew), e => e.Frame.Epoch <= oldEpochs[camera]);
                StreamAssert.Continuous(camera, [.. stream.Select(e => new DetectionSubscriber.Received(e.Position, e.Frame.Epoch, e.Frame.FrameIndex, camera))]);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(e.Message + "\n" + cluster.Logs(), e);
        }
    }
}
