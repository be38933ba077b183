using System.Net;
using System.Text.Json;
using VideoAnalytics.Tests.Gateway;
using VideoAnalytics.Tests.Silo.Cameras;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>
/// A cluster gateway learns of a deleted camera through the registry in Redis, not from its own API: a camera removed
/// by another process still ends the gateway's subscriptions with their final event.
/// </summary>
[Collection(CameraTestGroup.Name)]
public sealed class ClusterDeletionTests
{
    [Fact]
    public async Task A_camera_deleted_elsewhere_ends_the_gateways_sse_subscription_with_camera_deleted()
    {
        string[] cameras = ["gone-1"];
        await using var cluster = await TestCluster.StartAsync(silos: 1);
        try
        {
            await cluster.AddCamerasAsync(cameras);
            await cluster.WaitStreamingAsync(cameras, TimeSpan.FromSeconds(45));
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var response = await cluster.Gateway!.Client.GetAsync(new Uri("/api/cameras/gone-1/detections", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var events = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));
            Assert.Equal("message", (await events.NextAsync(cancel.Token))?.Type);

            // Removed by this test process straight in Redis: the gateway hears it only on the registry's channel.
            Assert.True(await cluster.Registry.RemoveAsync("gone-1", cancel.Token));

            SseEvent? final;
            do
            {
                final = await events.NextAsync(cancel.Token) ?? throw new InvalidOperationException("the stream ended without camera.deleted");
            }
            while (final.Type == "message");

            Assert.Equal("camera.deleted", final.Type);
            Assert.Equal("gone-1", JsonDocument.Parse(final.Data).RootElement.GetProperty("cameraId").GetString());
            Assert.Null(await events.NextAsync(cancel.Token));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(e.Message + "\n" + cluster.Logs(), e);
        }
    }
}
