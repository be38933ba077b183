using StackExchange.Redis;
using VideoAnalytics.Silo.Placement;
using VideoAnalytics.Tests.Silo.Cameras;
using VideoAnalytics.Tests.Support;
using Eventually = VideoAnalytics.Tests.Support.Eventually;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>Placement changes with real processes: a joining silo, a removed camera, a restarted Redis and gateway.</summary>
[Collection(CameraTestGroup.Name)]
public sealed class RebalanceTests
{
    private const int SigTerm = 15;

    [Fact]
    public async Task A_joining_silo_takes_exactly_its_cameras_a_stopping_one_hands_them_over_and_a_removed_camera_stops_everywhere()
    {
        // Camera ids chosen so that the third silo wins some but not all of them.
        SiloMember[] two = [new("silo-1", 1), new("silo-2", 1)];
        SiloMember[] three = [.. two, new("silo-3", 1)];
        var cameras = Enumerable.Range(1, 100).Select(i => $"cam-{i}").Take(6).ToArray();
        var expectedMoves = cameras.Where(c => RendezvousPlacement.Owner(c, three) == "silo-3").ToList();
        Assert.InRange(expectedMoves.Count, 2, 5);

        await using var cluster = await TestCluster.StartAsync(silos: 2, patientMembership: true);
        try
        {
            await cluster.AddCamerasAsync(cameras);
            var before = await cluster.WaitStreamingAsync(cameras, TimeSpan.FromSeconds(45));
            Assert.All(cameras, c => Assert.Equal(RendezvousPlacement.Owner(c, two), before[c]));
            var epochs = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var camera in cameras)
            {
                epochs[camera] = await cluster.EpochAsync(camera);
            }

            await cluster.StartSiloAsync("silo-3");
            var after = await cluster.WaitStreamingAsync(cameras, TimeSpan.FromSeconds(20),
                s => !expectedMoves.Contains(s.Id) || s.Silo == "silo-3");
            foreach (var camera in cameras)
            {
                if (expectedMoves.Contains(camera))
                {
                    Assert.Equal("silo-3", after[camera]);
                    Assert.True(await cluster.EpochAsync(camera) > epochs[camera]);
                }
                else
                {
                    Assert.Equal(before[camera], after[camera]);
                    Assert.Equal(epochs[camera], await cluster.EpochAsync(camera)); // never stopped, never re-activated
                }
            }

            // A silo stopped gracefully leaves and hands its cameras over: each grain deactivates (it says so) and
            // the survivors activate them again, each under the next epoch, with nothing published twice.
            var handedOver = expectedMoves.Skip(1).ToList();
            var subscribers = handedOver.ToDictionary(c => c, c => DetectionSubscriber.Start(cluster.Gateway!.BaseAddress, c));
            try
            {
                await Eventually.UntilAsync(() => subscribers.Values.All(s => s.Frames.Count >= 2), TimeSpan.FromSeconds(15), "frames before the hand-over");
                var leased = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var camera in handedOver)
                {
                    leased[camera] = await cluster.EpochAsync(camera);
                }

                var leaving = cluster.Silos["silo-3"];
                leaving.Signal(SigTerm);
                await Eventually.UntilAsync(() => leaving.HasExited, TimeSpan.FromSeconds(20), "silo-3 exiting");
                // The exited process's last output lines may still be on their way through the pipe.
                await Eventually.UntilAsync(
                    () => handedOver.All(c => leaving.Output.Contains($"Camera {c} left silo silo-3: the silo is stopping", StringComparison.Ordinal)),
                    TimeSpan.FromSeconds(5),
                    "silo-3 logging each hand-over");
                await Eventually.UntilAsync(() => handedOver.All(c => subscribers[c].Frames.Any(f => f.Epoch == leased[c] + 1)),
                    TimeSpan.FromSeconds(10), "the handed-over cameras streaming on the survivors");
                foreach (var camera in handedOver)
                {
                    StreamAssert.Continuous(camera, subscribers[camera].Frames);
                }
            }
            finally
            {
                foreach (var subscriber in subscribers.Values)
                {
                    await subscriber.DisposeAsync();
                }
            }

            // Removing a camera stops it at once: its status goes, and the silo that ran it says it left.
            var removed = cameras.First(c => !expectedMoves.Contains(c));
            var ranOn = cluster.Silos[before[removed]];
            Assert.NotNull(await cluster.Status.GetAsync(removed));
            using var response = await cluster.Gateway!.Client.DeleteAsync(new Uri($"/api/cameras/{removed}", UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode);
            await Eventually.UntilAsync(() => ranOn.Output.Contains($"Camera {removed} left silo {before[removed]}: removed", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5), "the removed camera stopping");
            await Eventually.UntilAsync(() => cluster.Status.GetAsync(removed), status => status is null, TimeSpan.FromSeconds(5), "the removed camera's status deleted");
            await Eventually.UntilAsync(() => cluster.Streams.LatestAsync(removed), latest => latest is null, TimeSpan.FromSeconds(5), "the removed camera's stream deleted");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(e.Message + "\n" + cluster.Logs(), e);
        }
    }

    [Fact]
    public async Task The_service_resumes_by_itself_after_Redis_restarts_and_a_gateway_restart_loses_no_history()
    {
        string[] cameras = ["restart-1", "restart-2"];
        await using var cluster = await TestCluster.StartAsync(silos: 2, persistentRedis: true, patientMembership: true);
        var subscribers = new Dictionary<string, DetectionSubscriber>(StringComparer.Ordinal);
        try
        {
            await cluster.AddCamerasAsync(cameras);
            await cluster.WaitStreamingAsync(cameras, TimeSpan.FromSeconds(45));
            foreach (var camera in cameras)
            {
                subscribers[camera] = DetectionSubscriber.Start(cluster.Gateway!.BaseAddress, camera);
            }

            await Eventually.UntilAsync(() => subscribers.Values.All(s => s.Frames.Count >= 3), TimeSpan.FromSeconds(20), "frames before the restart");
            cluster.Redis.Stop();
            var seenBefore = cameras.ToDictionary(c => c, c => subscribers[c].Frames[^1].Position);
            cluster.Redis.Start();

            // Whatever is newest right after the restart was published before it (or just after): frames past it
            // can only come through reconnected connections. The data survived (append-only file).
            var marks = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var camera in cameras)
            {
                // The test's own multiplexer fails commands at once until it has reconnected, and a Redis that is
                // still loading its append-only file answers LOADING: the first commands can fail.
                var latest = await Eventually.UntilAsync(
                    async () =>
                    {
                        try
                        {
                            return await cluster.Streams.LatestAsync(camera);
                        }
                        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or RedisServerException)
                        {
                            return null;
                        }
                    },
                    e => e is not null,
                    TimeSpan.FromSeconds(15),
                    $"{camera}: stream readable after the restart");
                marks[camera] = latest!.Position;
                Assert.True(StreamAssert.Compare(marks[camera], seenBefore[camera]) >= 0, $"{camera}: history lost in the Redis restart");
            }

            // Nobody intervenes: silos, gateway and subscribers reconnect, and frames flow again.
            await Eventually.UntilAsync(
                () => cameras.All(c => subscribers[c].Frames.Count(f => StreamAssert.Compare(f.Position, marks[c]) > 0) >= 3),
                TimeSpan.FromSeconds(30), "frames after Redis restarted");
            foreach (var camera in cameras)
            {
                StreamAssert.Continuous(camera, subscribers[camera].Frames);
            }

            // The gateway holds no stream state: a new one serves the history from before it started.
            var firstSeen = cameras.ToDictionary(c => c, c => subscribers[c].Frames[0]);
            var secondSeen = cameras.ToDictionary(c => c, c => subscribers[c].Frames[1]);
            await cluster.RestartGatewayAsync();
            foreach (var camera in cameras)
            {
                await using var replay = DetectionSubscriber.Start(cluster.Gateway!.BaseAddress, camera, from: firstSeen[camera].Position);
                await Eventually.UntilAsync(() => replay.Frames.Count >= 1, TimeSpan.FromSeconds(10), $"{camera}: replay from before the gateway restart");
                Assert.Equal(secondSeen[camera], replay.Frames[0]);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(e.Message + "\n" + cluster.Logs() + "\n==== redis\n" + cluster.Redis.Output, e);
        }
        finally
        {
            foreach (var subscriber in subscribers.Values)
            {
                await subscriber.DisposeAsync();
            }
        }
    }
}
