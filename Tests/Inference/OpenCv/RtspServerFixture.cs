using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Inference.OpenCv;

/// <summary>
/// A real RTSP server on 127.0.0.1 serving a 2 s 320x240 H.264 clip at three mounts: <c>/any</c>, <c>/tcp-only</c>
/// and <c>/udp-only</c> (the RTP lower transports the server accepts). Each client gets its own stream from the start.
/// If the server cannot start, every test using it fails.
/// </summary>
public sealed class RtspServerFixture : IDisposable
{
    private readonly string _directory;
    private readonly RtspTestServer _server;

    public RtspServerFixture()
    {
        _directory = Path.Combine(Path.GetTempPath(), "va-rtsp-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var clip = Path.Combine(_directory, "clip.mp4");
        MediaFixture.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v", "libx264",
            "-pix_fmt", "yuv420p", "-g", "25", clip);
        _server = new RtspTestServer(
            RtspMount.Mp4File("/any", clip),
            RtspMount.Mp4File("/tcp-only", clip, "tcp"),
            RtspMount.Mp4File("/udp-only", clip, "udp"));
    }

    public string Url(string mount) => _server.UrlOf(mount);

    public void Dispose()
    {
        _server.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Temp clean-up only.
        }
    }
}
