using System.Net;
using System.Net.Sockets;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cameras;

/// <summary>A camera's status says how it is now: no error once it streams again, no rates once it stopped; a dead
/// camera's warnings back off.</summary>
[Collection(CameraTestGroup.Name)]
public sealed class CameraStaleStateTests(CameraMediaFixture media)
{
    private static readonly TimeSpan FirstFrame = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_camera_that_recovers_clears_its_error_and_keeps_the_failure_as_last_failure()
    {
        using var server = new RtspTestServer(RtspMount.LiveTestPattern());
        await using var camera = new CameraUnderTest("rtsp-recovers", server.Url, CameraUnderTest.Options(media.Root)).Start();
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming, FirstFrame, "streaming", camera.Describe);
        Assert.Null(camera.Status.LastFailure);

        server.Kill();
        await Eventually.Until(() => camera.Status.State == CameraState.Reconnecting, TimeSpan.FromSeconds(6), "reconnecting", camera.Describe);
        var error = camera.Status.LastError;
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Equal(0, camera.Status.InputFps); // not streaming: no rate, even from the window's last seconds
        Assert.Equal(0, camera.Status.ProcessedFps);

        server.Start();
        var mark = camera.Consumer.Count;
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count > mark, FirstFrame,
            "streaming after the server returned", camera.Describe);
        var status = camera.Status;
        Assert.Null(status.LastError);
        Assert.NotNull(status.LastFailure);
        Assert.False(string.IsNullOrEmpty(status.LastFailure.Reason));
        Assert.True(status.LastFailure.At <= status.UpdatedAt);

        // The recovery is logged once, with how many attempts failed.
        Assert.Single(camera.Logger.Lines, l => l.Contains(" 2111 ", StringComparison.Ordinal) && l.Contains("recovered after", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_disabled_camera_reads_zero_fps_at_once()
    {
        await using var camera = new CameraUnderTest("fps-disabled", media.LongClip, CameraUnderTest.Options(media.Root), fps: 10).Start();
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Status.InputFps > 0 && camera.Status.ProcessedFps > 0,
            FirstFrame, "streaming with rates", camera.Describe);

        camera.Capture.Update(camera.Spec with { Enabled = false });
        await Eventually.Until(() => camera.Status.State == CameraState.Stopped, TimeSpan.FromSeconds(10), "stopped", camera.Describe);
        var status = camera.Status;
        Assert.Equal(0, status.InputFps);
        Assert.Equal(0, status.ProcessedFps);
        Assert.Null(status.LastError);

        await camera.Capture.StopAsync();
        Assert.Equal(0, camera.Status.InputFps);
        Assert.Equal(0, camera.Status.ProcessedFps);
    }

    [Fact]
    public async Task A_dead_camera_backs_its_warnings_off_like_its_reconnects()
    {
        // A port nobody listens on: every attempt fails at once, and the 0.2–1 s backoff makes many attempts quickly.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var camera = new CameraUnderTest("rtsp-dead", $"rtsp://127.0.0.1:{port}/live", CameraUnderTest.Options(media.Root)).Start();
        await Eventually.Until(() => camera.Metrics.Reconnects.Total("rtsp-dead") >= 12, TimeSpan.FromSeconds(40), "twelve failed attempts", camera.Describe);

        var attempts = camera.Metrics.Reconnects.Total("rtsp-dead");
        var warnings = camera.Logger.Lines.Where(l => l.Contains(" 2102 ", StringComparison.Ordinal)).ToList();
        // Attempts 1, 2, 4 and 8 (and 16 if it got there meanwhile): one line per attempt before.
        Assert.InRange(warnings.Count, 4, 5);
        Assert.True(warnings.Count < attempts, $"{warnings.Count} warnings for {attempts} attempts");
        Assert.Contains("(3 similar failures not logged since the last line)", warnings[3], StringComparison.Ordinal);
    }
}
