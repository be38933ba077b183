using VideoAnalytics.Bench.Measurement;

namespace VideoAnalytics.Bench.Capture;

/// <summary>
/// What <see cref="CaptureBenchmark"/> measured on one clip: a row per pipeline, and our BGR capture against
/// ffmpeg producing the same BGR frames (like for like), against ffmpeg decoding only, and sampled to 5 fps.
/// </summary>
public sealed record CaptureResult(string Clip, int Width, int Height, int Runs, IReadOnlyList<CaptureMeasurement> Rows)
{
    public const double Goal = 0.95;

    public CaptureMeasurement Ours => Rows[0];

    public CaptureMeasurement FfmpegDecodeOnly => Rows[2];

    public CaptureMeasurement FfmpegBgr => Rows[3];

    public Ratio VersusBgr => Ratio.Of(Ours.Fps, FfmpegBgr.Fps, Goal);

    public Ratio VersusDecodeOnly => Ratio.Of(Ours.Fps, FfmpegDecodeOnly.Fps, Goal);

    /// <summary>Every frame decoded, one in five converted to BGR: a camera analysed at 5 fps of a 25 fps source.</summary>
    public CaptureMeasurement Sampled => Rows[5];

    public CaptureMeasurement FfmpegSampled => Rows[6];

    public Ratio VersusSampled => Ratio.Of(Sampled.Fps, FfmpegSampled.Fps, Goal);
}
