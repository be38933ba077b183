using VideoAnalytics.Bench.Measurement;

namespace VideoAnalytics.Bench.Capture;

/// <summary>
/// What <see cref="CaptureBenchmark"/> measured on one clip: a row per pipeline, and our BGR capture against
/// ffmpeg producing the same BGR frames (like for like) and against ffmpeg decoding only.
/// </summary>
public sealed record CaptureResult(string Clip, int Width, int Height, int Runs, IReadOnlyList<CaptureMeasurement> Rows)
{
    public const double Goal = 0.95;

    public CaptureMeasurement Ours => Rows[0];

    public CaptureMeasurement FfmpegDecodeOnly => Rows[2];

    public CaptureMeasurement FfmpegBgr => Rows[3];

    public Ratio VersusBgr => Ratio.Of(Ours.Fps, FfmpegBgr.Fps, Goal);

    public Ratio VersusDecodeOnly => Ratio.Of(Ours.Fps, FfmpegDecodeOnly.Fps, Goal);
}
