using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Silo.Cameras;
using VideoAnalytics.Tests.Support;
using Eventually = VideoAnalytics.Tests.Support.Eventually;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>
/// A sink in a real cluster (two silo processes, a gateway, Redis): when the silo running the sink is killed, a survivor
/// activates it, and it resumes from its checkpoint in Redis grain storage — no frame skipped, repeats only of
/// frames delivered before, with their ids.
/// </summary>
[Collection(CameraTestGroup.Name)]
public sealed class SinkFailoverTests
{
    private const int SigKill = 9;
    // Upper bounds only: on a loaded machine a cluster gateway has been seen to lose its silos for tens of seconds.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_sink_whose_silo_is_killed_resumes_on_a_survivor_from_its_checkpoint()
    {
        await using var receiver = new WebhookReceiver();
        await using var cluster = await TestCluster.StartAsync(silos: 2);
        try
        {
            await cluster.AddCamerasAsync(["cam"], fps: 5);
            await cluster.WaitStreamingAsync(["cam"], TimeSpan.FromSeconds(45));
            using var created = await cluster.Gateway!.Client.PostAsJsonAsync("/api/sinks",
                new { id = "hook", type = "webhook", events = new[] { "detections" }, webhook = new { url = receiver.Url } });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= 10, Timeout, "10 frames delivered");

            var victim = await SiloOfSinkAsync(cluster, null);
            var before = receiver.Accepted.Count;
            cluster.Silos[victim].Signal(SigKill);
            var survivor = await SiloOfSinkAsync(cluster, victim);
            Assert.NotEqual(victim, survivor);
            await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= before + 15, Timeout, "delivery resumes on the survivor");

            // Redis entry ids are capture times, yet the lag is counted in frames (entries are numbered).
            await Eventually.UntilAsync(
                async () => (await cluster.Gateway!.Client.GetFromJsonAsync<JsonElement>("/api/sinks/hook")).GetProperty("status").GetProperty("cameras")[0],
                c => c.GetProperty("lagPositions").ValueKind == JsonValueKind.Number && c.GetProperty("lagPositions").GetInt64() is >= 0 and < 50,
                Timeout, "the sink's lag in frames");

            // Everything the stream holds from the first delivered frame on, in order; repeats only of what came before.
            var accepted = receiver.Accepted;
            var delivered = new List<string>();
            foreach (var r in accepted)
            {
                Assert.Equal($"cam:{r.Position}", r.EventId);
                if (!delivered.Contains(r.Position!))
                {
                    delivered.Add(r.Position!);
                }
            }

            var stored = new List<string> { delivered[0] };
            stored.AddRange((await cluster.Streams.ReadAsync("cam", delivered[0], delivered.Count - 1)).Select(e => e.Position));
            Assert.Equal(stored, delivered);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(e.Message + "\n" + cluster.Logs(), e);
        }
    }

    private static async Task<string> SiloOfSinkAsync(TestCluster cluster, string? not) =>
        (await Eventually.UntilAsync(
            async () => (await cluster.Gateway!.Client.GetFromJsonAsync<JsonElement>("/api/sinks/hook")).GetProperty("status"),
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("silo").GetString() is { } silo && silo != not && s.GetProperty("state").GetString() == "delivering",
            Timeout,
            "the sink runs on a silo")).GetProperty("silo").GetString()!;
}
