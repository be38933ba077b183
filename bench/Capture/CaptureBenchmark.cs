using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using VideoAnalytics.Bench.Measurement;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Bench.Capture;

/// <summary>
/// Decode throughput of H.264 clips (720p and 1080p) through our capture path (<see cref="VideoSource"/> to packed
/// BGR, and with the <see cref="FrameResizer"/> step to the model's 320x320 that cameras also pay) against the
/// ffmpeg CLI on the same file in the same run: <c>ffmpeg -i f.mp4 -f null -</c> (decode only) and with
/// <c>-pix_fmt bgr24</c> (the same BGR conversion we do), and that with one decoding thread; and a camera's case, every
/// frame decoded and one in five converted (<c>-vf fps=5</c> for ffmpeg). Runs are interleaved round by round. ffmpeg's time is
/// its own <c>-benchmark</c> real time, which leaves out its process start and input probing; ours includes
/// opening the file, so the ratio errs against us.
/// </summary>
public static partial class CaptureBenchmark
{
    private const int ModelSide = 320;

    // The default camera analyses 5 fps; the clips run at 25.
    private const int SampleEvery = 5;

    public static CaptureResult Measure(string clip, int runs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var frames = BenchMedia.FrameCount(clip);
        int width = 0, height = 0;
        using (var probe = VideoSource.Open(clip))
        {
            width = probe.Width;
            height = probe.Height;
        }

        string[] names =
        [
            "VideoSource → BGR", "VideoSource → BGR → resize 320x320", "ffmpeg -f null (decode only)", "ffmpeg -pix_fmt bgr24 -f null",
            "ffmpeg -threads 1 -pix_fmt bgr24 -f null (one decoding thread)",
            $"VideoSource grab all, → BGR 1 in {SampleEvery} (a camera analysed at 5 of 25 fps)", "ffmpeg -vf fps=5 -pix_fmt bgr24 -f null",
        ];
        var seconds = Interleaved.Rounds(
            runs,
            () => ReadWithVideoSource(clip, frames, resize: false),
            () => ReadWithVideoSource(clip, frames, resize: true),
            () => Ffmpeg(clip, bgr: false),
            () => Ffmpeg(clip, bgr: true),
            () => Ffmpeg(clip, bgr: true, oneThread: true),
            () => ReadWithVideoSource(clip, frames, resize: false, keepEvery: SampleEvery),
            () => Ffmpeg(clip, bgr: true, sampledFps: 25.0 / SampleEvery));
        var rows = new List<CaptureMeasurement>();
        for (var i = 0; i < names.Length; i++)
        {
            rows.Add(new CaptureMeasurement(names[i], frames, Spread.Of(seconds[i].ConvertAll(s => frames / s))));
        }

        return new CaptureResult(clip, width, height, runs, rows);
    }

    private static double ReadWithVideoSource(string clip, int expectedFrames, bool resize, int keepEvery = 1)
    {
        var clock = Stopwatch.StartNew();
        using var source = VideoSource.Open(clip);
        var frame = new byte[source.FrameBytes];
        var model = new byte[ModelSide * ModelSide * 3];
        var modelLayout = BgrLayout.Packed(ModelSide, ModelSide);
        var frames = 0;
        while (true)
        {
            // As a camera does: every frame decoded, only the kept ones converted to BGR.
            var kept = frames % keepEvery == 0;
            var result = source.TryGrab(out var info);
            if (result == FrameReadResult.Frame && kept)
            {
                result = source.TryRetrieve(frame, out info);
            }

            if (result == FrameReadResult.EndOfStream)
            {
                break;
            }

            if (result != FrameReadResult.Frame)
            {
                throw new InvalidOperationException($"reading {clip} failed: {source.LastError?.Message}");
            }

            if (resize && kept)
            {
                FrameResizer.Resize(frame, info.Layout, model, modelLayout);
            }

            frames++;
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        if (frames != expectedFrames)
        {
            // A throughput over a different number of frames than ffmpeg decoded would not compare.
            throw new InvalidDataException($"{clip}: VideoSource read {frames} frames, ffprobe counts {expectedFrames}");
        }

        return elapsed;
    }

    private static double Ffmpeg(string clip, bool bgr, bool oneThread = false, double? sampledFps = null)
    {
        // The single-threaded variant tells a threading gap from a per-frame cost gap.
        List<string> arguments = ["-hide_banner", "-nostats", "-loglevel", "info", "-benchmark", .. (oneThread ? (string[])["-threads", "1"] : []), "-i", clip];
        if (sampledFps is { } fps)
        {
            // The fps filter drops frames before the format conversion ffmpeg appends to the filter graph.
            arguments.AddRange(["-vf", "fps=" + fps.ToString(CultureInfo.InvariantCulture)]);
        }

        if (bgr)
        {
            arguments.AddRange(["-pix_fmt", "bgr24"]);
        }

        arguments.AddRange(["-f", "null", "-"]);
        var output = BenchMedia.Run("ffmpeg", arguments);
        var match = RealTime().Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidDataException("ffmpeg -benchmark printed no rtime: " + output[Math.Max(0, output.Length - 500)..]);
    }

    [GeneratedRegex(@"bench: utime=\S+ stime=\S+ rtime=([0-9.]+)s")]
    private static partial Regex RealTime();
}
