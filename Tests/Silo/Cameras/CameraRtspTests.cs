using System.Diagnostics;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Tests.Silo.Cameras;

[Collection(CameraTestGroup.Name)]
public sealed class CameraRtspTests(CameraMediaFixture media)
{
    private static readonly TimeSpan FirstFrame = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_killed_server_means_reconnecting_and_its_return_means_streaming_again()
    {
        using var server = new LiveRtspServer();
        await using var camera = new CameraUnderTest("rtsp-kill", server.Url, CameraUnderTest.Options(media.Root)).Start();
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count >= 3, FirstFrame, "streaming", camera.Describe);
        var indices = camera.Consumer.Offers;
        Assert.True(indices[^1].Index > indices[^2].Index, "live frame indices count up");

        server.Kill();
        await Eventually.Until(() => camera.Status.State == CameraState.Reconnecting, TimeSpan.FromSeconds(6), "reconnecting", camera.Describe);
        Assert.False(string.IsNullOrEmpty(camera.Status.LastError));

        server.Start();
        var mark = camera.Consumer.Count;
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count > mark, TimeSpan.FromSeconds(5),
            "streaming after the server returned", camera.Describe);
    }

    [Fact]
    public async Task A_stalled_stream_is_caught_by_the_watchdog_and_stop_does_not_wait_for_a_hung_open()
    {
        using var server = new LiveRtspServer();
        await using var camera = new CameraUnderTest("rtsp-stall", server.Url, CameraUnderTest.Options(media.Root)).Start();
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count >= 3, FirstFrame, "streaming", camera.Describe);

        server.Pause();
        try
        {
            // Watchdog 2 s: the connection stays open but nothing arrives.
            await Eventually.Until(() => camera.Status.State == CameraState.Reconnecting, TimeSpan.FromSeconds(6), "the watchdog to fire", camera.Describe);
            Assert.True(camera.Status.LastError!.Contains("watchdog", StringComparison.Ordinal), camera.Describe());

            // Reopening a frozen server hangs in FFmpeg's open until its timeout (3 s): stopping must not wait for it.
            var clock = Stopwatch.StartNew();
            await camera.Grain.StopAsync().WaitAsync(TimeSpan.FromSeconds(2));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
            Assert.Equal(CameraState.Stopped, camera.Status.State);
        }
        finally
        {
            server.Resume();
        }
    }
}
