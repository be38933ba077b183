using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cameras;

[Collection(CameraTestGroup.Name)]
public sealed class CameraRtspTests(CameraMediaFixture media)
{
    private static readonly TimeSpan FirstFrame = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_killed_server_means_reconnecting_and_its_return_means_streaming_again()
    {
        using var server = new RtspTestServer(RtspMount.LiveTestPattern());
        await using var camera = new CameraUnderTest("rtsp-kill", server.Url, CameraUnderTest.Options(media.Root)).Start();
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count >= 3, FirstFrame, "streaming", camera.Describe);
        var indices = camera.Consumer.Offers;
        Assert.True(indices[^1].Index > indices[^2].Index, "live frame indices count up");

        server.Kill();
        await Eventually.Until(() => camera.Status.State == CameraState.Reconnecting, TimeSpan.FromSeconds(6), "reconnecting", camera.Describe);
        Assert.False(string.IsNullOrEmpty(camera.Status.LastError));

        server.Start();
        var mark = camera.Consumer.Count;
        // A retry can land while the restarted server listens but does not answer yet: that attempt waits out its
        // 3 s open timeout and backs off before the next one streams, hence the first-frame allowance.
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count > mark, FirstFrame,
            "streaming after the server returned", camera.Describe);
    }

    /// <summary>
    /// OpenCV 4.6 runs one FFmpeg open at a time per process. A camera whose server accepts and then says nothing
    /// must be caught before that point, so the node's other cameras open while it waits out its timeout.
    /// </summary>
    [Fact]
    public async Task A_mute_camera_does_not_hold_up_another_cameras_open()
    {
        // The healthy camera's server starts first, so that its start-up is not counted against the mute camera's timeout.
        using var server = new RtspTestServer(RtspMount.LiveTestPattern());
        using var mute = new TcpListener(IPAddress.Loopback, 0);
        mute.Start();
        var muteOptions = CameraUnderTest.Options(media.Root);
        muteOptions.OpenTimeout = TimeSpan.FromSeconds(10);
        await using var silent = new CameraUnderTest("rtsp-mute", $"rtsp://127.0.0.1:{((IPEndPoint)mute.LocalEndpoint).Port}/live", muteOptions).Start();
        using var accepted = await mute.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(5));

        await using var healthy = new CameraUnderTest("rtsp-healthy", server.Url, CameraUnderTest.Options(media.Root)).Start();
        await Eventually.Until(() => healthy.Status.State == CameraState.Streaming || silent.Status.LastError is not null, FirstFrame,
            "the healthy camera to stream", healthy.Describe);
        Assert.True(silent.Status.LastError is null,
            $"the healthy camera waited for the mute one's open timeout: {healthy.Describe()} / {silent.Describe()}");
        Assert.Equal(CameraState.Streaming, healthy.Status.State);

        await Eventually.Until(() => silent.Status.LastError is not null, TimeSpan.FromSeconds(20), "the mute camera to give up", silent.Describe);
        Assert.Contains("sent no RTSP answer within 10 s", silent.Status.LastError, StringComparison.Ordinal);
        Assert.Equal(CameraState.Reconnecting, silent.Status.State);
    }

    [Fact]
    public async Task A_stalled_stream_is_caught_by_the_watchdog_and_stop_does_not_wait_for_a_hung_open()
    {
        using var server = new RtspTestServer(RtspMount.LiveTestPattern());
        var options = CameraUnderTest.Options(media.Root);
        options.OpenTimeout = TimeSpan.FromSeconds(10); // far above what stopping may take, so the bound below proves something with slack
        await using var camera = new CameraUnderTest("rtsp-stall", server.Url, options).Start();
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count >= 3, FirstFrame, "streaming", camera.Describe);

        server.Pause();
        try
        {
            // Watchdog 2 s: the connection stays open but nothing arrives.
            await Eventually.Until(() => camera.Status.State == CameraState.Reconnecting, TimeSpan.FromSeconds(6), "the watchdog to fire", camera.Describe);
            Assert.True(camera.Status.LastError!.Contains("watchdog", StringComparison.Ordinal), camera.Describe());

            // Reopening a frozen server hangs (in the probe, or in FFmpeg's open) until its timeout (10 s): stopping
            // must not wait for it. It waits a second for the capture thread, then leaves it; 5 s allows for a busy
            // machine (a soak run once saw more than 2 s) and is still half the open timeout.
            var clock = Stopwatch.StartNew();
            await camera.Capture.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
            Assert.Equal(CameraState.Stopped, camera.Status.State);
        }
        finally
        {
            server.Resume();
        }
    }

    [Fact]
    public async Task A_read_that_ignores_its_timeout_is_abandoned_and_the_camera_recovers()
    {
        using var server = new RtspTestServer(RtspMount.LiveTestPattern());
        // GStreamer's RTSP start-up can take over 2 s to the first frame: with the default test watchdog a fresh
        // loop would be declared stalled before it ever streams, so this test gives the watchdog 4 s.
        var options = CameraUnderTest.Options(media.Root);
        options.WatchdogTimeout = TimeSpan.FromSeconds(4);
        options.ReadTimeout = TimeSpan.FromSeconds(4);
        await using var camera = new CameraUnderTest("rtsp-hung", server.Url, options);
        // OpenCV's GStreamer backend has no read timeout: a frozen server blocks the read inside native code.
        camera.Capture.OpenOptions = new VideoSourceOptions { Backend = VideoBackend.GStreamer, RtspTransport = RtspTransport.Tcp };
        camera.Start();
        // GStreamer's RTSP start-up is slower than FFmpeg's, much more so on a loaded machine: allow it twice the time.
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count >= 3, FirstFrame * 2, "streaming", camera.Describe);

        server.Pause();
        try
        {
            // Watchdog 4 s + 2 s grace: the timer gives up on the blocked thread and starts a new capture loop.
            await Eventually.Until(() => camera.Status.LastError?.Contains("abandoned", StringComparison.Ordinal) == true,
                TimeSpan.FromSeconds(15), "the blocked read to be abandoned", camera.Describe);
            Assert.Equal(CameraState.Reconnecting, camera.Status.State);
        }
        finally
        {
            server.Resume();
        }

        var mark = camera.Consumer.Count;
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count > mark + 2, TimeSpan.FromSeconds(40),
            "streaming again on a fresh loop", camera.Describe);
        var offers = camera.Consumer.Offers;
        for (var i = mark + 1; i < offers.Count; i++)
        {
            // Only the new loop offers: the abandoned one drops whatever its read finally returns.
            Assert.True(offers[i].Index > offers[i - 1].Index, "frame indices keep counting up");
        }
    }
}
