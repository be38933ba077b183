using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cameras;

[Collection(CameraTestGroup.Name)]
public sealed class CameraHttpTests(CameraMediaFixture media)
{
    [Fact]
    public async Task An_mjpeg_http_camera_streams_at_its_target_fps()
    {
        var port = FreeLoopbackPort();
        // ffmpeg as a one-client MJPEG camera; the grain may knock before it listens and then simply retries.
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                     "-t", "60", "-f", "mpjpeg", "-listen", "1", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/cam.mjpg" })
        {
            start.ArgumentList.Add(argument);
        }

        using var server = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg could not be started (apt-get install ffmpeg)");
        try
        {
            await using var camera = new CameraUnderTest("mjpeg", $"http://127.0.0.1:{port}/cam.mjpg", CameraUnderTest.Options(media.Root)).Start();

            await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count >= 8, TimeSpan.FromSeconds(15),
                "MJPEG frames", camera.Describe);

            // Upper bounds only: sampling faster than the camera's fps would be a bug, slower only a busy machine (the
            // bench measures rates). The source sends 25 fps.
            Assert.InRange(camera.Consumer.Rate(2, 7), 0.1, 6.5);
            Assert.InRange(camera.Status.InputFps, 0.1, 35);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            await server.WaitForExitAsync();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
