using VideoAnalytics.Tests.Inference.OpenCv;

namespace VideoAnalytics.Tests.Silo.Cameras;

/// <summary>
/// The clips of <see cref="MediaFixture"/> (2 s at 25 fps, plus corrupt, truncated and undecodable ones) and a 12 s
/// clip for rate measurements that must not include a loop's reopen. Its folder is the cameras' media root.
/// </summary>
public sealed class CameraMediaFixture : IDisposable
{
    public CameraMediaFixture()
    {
        Media = new MediaFixture();
        LongClip = Path.Combine(Media.Directory, "long.mp4");
        MediaFixture.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "12", "-c:v", "libx264",
            "-preset", "ultrafast", "-pix_fmt", "yuv420p", LongClip);
    }

    public MediaFixture Media { get; }

    public string Root => Media.Directory;

    /// <summary>12 s, 320x240, 25 fps.</summary>
    public string LongClip { get; }

    public void Dispose() => Media.Dispose();
}
