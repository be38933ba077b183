using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Tests.Inference.OpenCv;

public sealed class RtspVideoSourceTests(RtspServerFixture server) : IClassFixture<RtspServerFixture>
{
    private static VideoSourceOptions Options(VideoBackend backend, RtspTransport transport) => new()
    {
        Backend = backend,
        RtspTransport = transport,
        // OpenCV 4.6's GStreamer backend has no timeouts; FFmpeg gets short ones so a failure is quick.
        OpenTimeout = backend == VideoBackend.FFmpeg ? TimeSpan.FromSeconds(10) : null,
        ReadTimeout = backend == VideoBackend.FFmpeg ? TimeSpan.FromSeconds(10) : null,
    };

    // A server mount that accepts only one transport proves the requested one reached the backend: the other fails.
    [Theory]
    [InlineData(VideoBackend.FFmpeg, RtspTransport.Tcp, "/tcp-only", true)]
    [InlineData(VideoBackend.FFmpeg, RtspTransport.Udp, "/tcp-only", false)]
    [InlineData(VideoBackend.FFmpeg, RtspTransport.Udp, "/udp-only", true)]
    [InlineData(VideoBackend.FFmpeg, RtspTransport.Tcp, "/udp-only", false)]
    [InlineData(VideoBackend.GStreamer, RtspTransport.Tcp, "/tcp-only", true)]
    [InlineData(VideoBackend.GStreamer, RtspTransport.Udp, "/tcp-only", false)]
    [InlineData(VideoBackend.GStreamer, RtspTransport.Udp, "/udp-only", true)]
    [InlineData(VideoBackend.GStreamer, RtspTransport.Tcp, "/udp-only", false)]
    public void The_requested_transport_is_the_one_used(VideoBackend backend, RtspTransport transport, string mount, bool opens)
    {
        if (!opens)
        {
            var error = Assert.Throws<OpenCvException>(() => VideoSource.Open(server.Url(mount), Options(backend, transport)));
            Assert.Equal(OpenCvStatus.OpenFailed, error.Status);
            return;
        }

        using var source = VideoSource.Open(server.Url(mount), Options(backend, transport));
        var buffer = new byte[320 * 240 * 3];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(FrameReadResult.Frame, source.TryRead(buffer, out var info));
            Assert.Equal(BgrLayout.Packed(320, 240), info.Layout);
        }
    }

    [Fact]
    public async Task Concurrent_opens_with_different_transports_each_get_their_own()
    {
        // The FFmpeg transport travels in a process-global variable: without the shim's lock, an open could pick
        // up another thread's transport and be refused by the mount.
        var tasks = new Task[6];
        for (var i = 0; i < tasks.Length; i++)
        {
            var tcp = i % 2 == 0;
            tasks[i] = Task.Run(() =>
            {
                using var source = VideoSource.Open(
                    server.Url(tcp ? "/tcp-only" : "/udp-only"),
                    Options(VideoBackend.FFmpeg, tcp ? RtspTransport.Tcp : RtspTransport.Udp));
                var buffer = new byte[320 * 240 * 3];
                Assert.Equal(FrameReadResult.Frame, source.TryRead(buffer, out _));
            });
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public void The_end_of_a_live_stream_is_a_read_error_with_a_reason()
    {
        using var source = VideoSource.Open(server.Url("/any"), Options(VideoBackend.FFmpeg, RtspTransport.Tcp));
        var buffer = new byte[320 * 240 * 3];
        var frames = 0;
        FrameReadResult result;
        while ((result = source.TryRead(buffer, out _)) == FrameReadResult.Frame)
        {
            frames++;
        }

        Assert.Equal(FrameReadResult.Error, result);
        Assert.Equal(OpenCvStatus.ReadFailed, source.LastError!.Status);
        Assert.Contains("stream was lost, timed out or ended", source.LastError.Message, StringComparison.Ordinal);
        Assert.InRange(frames, 25, 50); // a live start may skip the first frames
    }
}
