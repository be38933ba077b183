using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cameras;

[Collection(CameraTestGroup.Name)]
public sealed class CameraHttpTests(CameraMediaFixture media)
{
    [Fact]
    public async Task An_mjpeg_http_camera_streams_at_its_target_fps()
    {
        // A camera serves every client; the probe's connection is one of them, the decoder's the next.
        using var server = new MjpegTestServer();
        await using var camera = new CameraUnderTest("mjpeg", server.Url(), CameraUnderTest.Options(media.Root)).Start();

        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count >= 8, TimeSpan.FromSeconds(15),
            "MJPEG frames", camera.Describe);

        // Upper bounds only: sampling faster than the camera's fps would be a bug, slower only a busy machine (the
        // bench measures rates). The source sends 25 fps.
        Assert.InRange(camera.Consumer.Rate(2, 7), 0.1, 6.5);
        Assert.InRange(camera.Status.InputFps, 0.1, 35);
        Assert.True(server.Connections >= 2, $"{server.Connections} connection(s): the probe and the decoder each connect");
    }

    [Fact]
    public async Task A_camera_whose_name_resolves_to_a_link_local_address_fails_with_the_reason_and_never_connects()
    {
        // The name points at a live camera's port, but through an address on 169.254/16: refused before any connection.
        using var server = new MjpegTestServer();
        await using var camera = new CameraUnderTest("metadata", $"http://user:s3cret@camera.example:{server.Port}/cam.mjpg", CameraUnderTest.Options(media.Root));
        camera.Capture.ProbeResolver = (_, _) => [System.Net.IPAddress.Parse("169.254.169.254"), System.Net.IPAddress.Loopback];
        camera.Start();

        await Eventually.Until(() => camera.Status.LastError is not null, TimeSpan.FromSeconds(15), "the camera says why it does not stream", camera.Describe);
        Assert.Equal(CameraState.Failed, camera.Status.State);
        Assert.StartsWith("host 'camera.example' resolves to the link-local address 169.254.169.254", camera.Status.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", camera.Status.LastError, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
    }
}
