using System.Diagnostics;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Bench.Capture;

/// <summary>
/// Decode (+ resize to the model's 320x320) throughput of a 1080p H.264 clip through our <see cref="VideoSource"/> and
/// <see cref="FrameResizer"/>, against the ffmpeg CLI on the same file in the same run (decode only, and with the BGR
/// conversion we also pay). A plain measured run, not BenchmarkDotNet: each iteration takes seconds, so three runs
/// with median, min and max say enough. Never part of <c>make test</c>.
/// </summary>
public static class CaptureBenchmark
{
    private const int Width = 1920;
    private const int Height = 1080;
    private const int ModelSide = 320;
    private const int Runs = 3;

    private static int _frameCount;

    /// <summary>Measures, prints the markdown table and returns it.</summary>
    public static string Run()
    {
        var markdown = Measure().ToMarkdown();
        Console.WriteLine(markdown);
        return markdown;
    }

    public static CaptureResult Measure(int runs = Runs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var clip = EnsureClip();
        var rows = new List<CaptureMeasurement>
        {
            Repeat("VideoSource → BGR", runs, () => ReadWithVideoSource(clip, resize: false)),
            Repeat("VideoSource → BGR → resize 320x320", runs, () => ReadWithVideoSource(clip, resize: true)),
            Repeat("ffmpeg -f null (decode only)", runs, () => Ffmpeg(clip, bgr: false)),
            Repeat("ffmpeg -pix_fmt bgr24 -f null", runs, () => Ffmpeg(clip, bgr: true)),
        };
        return new CaptureResult(clip, Width, Height, runs, rows);
    }

    private static CaptureMeasurement Repeat(string pipeline, int runs, Func<(int Frames, double Seconds)> run)
    {
        var seconds = new double[runs];
        var frames = 0;
        for (var i = 0; i < runs; i++)
        {
            (frames, seconds[i]) = run();
        }

        Array.Sort(seconds);
        var median = seconds[runs / 2];
        return new CaptureMeasurement(pipeline, frames, frames / median, frames / seconds[^1], frames / seconds[0], median);
    }

    private static (int Frames, double Seconds) ReadWithVideoSource(string clip, bool resize)
    {
        var clock = Stopwatch.StartNew();
        using var source = VideoSource.Open(clip);
        var frame = new byte[source.FrameBytes];
        var model = new byte[ModelSide * ModelSide * 3];
        var modelLayout = BgrLayout.Packed(ModelSide, ModelSide);
        var frames = 0;
        while (true)
        {
            var result = source.TryRead(frame, out var info);
            if (result == FrameReadResult.EndOfStream)
            {
                break;
            }

            if (result != FrameReadResult.Frame)
            {
                throw new InvalidOperationException($"reading {clip} failed: {source.LastError?.Message}");
            }

            if (resize)
            {
                FrameResizer.Resize(frame, info.Layout, model, modelLayout);
            }

            frames++;
        }

        return (frames, clock.Elapsed.TotalSeconds);
    }

    private static (int Frames, double Seconds) Ffmpeg(string clip, bool bgr)
    {
        var arguments = new List<string> { "-hide_banner", "-nostats", "-loglevel", "error", "-i", clip };
        if (bgr)
        {
            arguments.AddRange(["-pix_fmt", "bgr24"]);
        }

        arguments.AddRange(["-f", "null", "-"]);
        var clock = Stopwatch.StartNew();
        RunFfmpeg(arguments);
        var seconds = clock.Elapsed.TotalSeconds;
        return (CountFrames(clip), seconds);
    }

    // The clip's frame count, once, from ffprobe's packet count (outside any timed section).
    private static int CountFrames(string clip)
    {
        if (_frameCount > 0)
        {
            return _frameCount;
        }

        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", clip })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("ffprobe could not be started");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        _frameCount = int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return _frameCount;
    }

    private static string EnsureClip()
    {
        var directory = Path.Combine(Path.GetTempPath(), "va-bench-capture");
        var clip = Path.Combine(directory, "testsrc2-1080p-10s.mp4");
        if (File.Exists(clip))
        {
            return clip;
        }

        Directory.CreateDirectory(directory);
        var partial = clip + ".part.mp4";
        Console.WriteLine($"bench: generating {clip} with ffmpeg (once)");
        RunFfmpeg(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={Width}x{Height}:rate=25", "-t", "10",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", partial]);
        File.Move(partial, clip);
        return clip;
    }

    private static void RunFfmpeg(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg could not be started (apt-get install ffmpeg)");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed ({process.ExitCode}): {stderr.Result}");
        }
    }
}
