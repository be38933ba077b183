using System.Diagnostics;
using System.Globalization;

namespace VideoAnalytics.Bench;

/// <summary>
/// Clips made once from models/demo.mp4 with ffmpeg into .cache/bench-media: 10 s at 720p and at 1080p for the
/// decode comparison, and the whole clip at 640x360 (a typical camera sub-stream) for the camera pipeline.
/// </summary>
public static class BenchMedia
{
    public static string Demo => BenchPaths.Model("demo.mp4");

    public static string Clip720p => Make("demo-720p-10s.mp4", ["-t", "10", "-vf", "scale=1280:720"]);

    public static string Clip1080p => Make("demo-1080p-10s.mp4", ["-t", "10", "-vf", "scale=1920:1080"]);

    public static string Camera360p => Make("demo-360p.mp4", ["-vf", "scale=640:360"]);

    /// <summary>Decoded frames of <paramref name="clip"/>, <paramref name="count"/> of them spread evenly over it.</summary>
    public static List<(byte[] Pixels, int Width, int Height)> Frames(string clip, int count)
    {
        using var source = Inference.Native.OpenCv.VideoSource.Open(clip);
        var total = Math.Max(1, source.FrameCount);
        var step = Math.Max(1, total / count);
        var frames = new List<(byte[], int, int)>(count);
        var buffer = new byte[source.FrameBytes];
        for (long index = 0; frames.Count < count; index++)
        {
            var result = source.TryRead(buffer, out var info);
            if (result != Inference.Native.OpenCv.FrameReadResult.Frame)
            {
                break;
            }

            if (index % step == 0)
            {
                frames.Add(((byte[])buffer.Clone(), info.Width, info.Height));
            }
        }

        return frames.Count > 0 ? frames : throw new InvalidDataException($"{clip}: no frames decoded");
    }

    /// <summary>Frame count from ffprobe's packet count (outside any timed section).</summary>
    public static int FrameCount(string clip)
    {
        var output = Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", clip]);
        return int.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a tool to the end; returns its stdout, throws with its stderr when it fails.</summary>
    public static string Run(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} could not be started");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout + stderr.Result;
    }

    private static string Make(string name, string[] filter)
    {
        var clip = Path.Combine(BenchPaths.Cache("bench-media"), name);
        if (File.Exists(clip))
        {
            return clip;
        }

        var partial = clip + ".part.mp4";
        Console.WriteLine($"bench: making {clip} from models/demo.mp4 (once)");
        Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", Demo, .. filter, "-an", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", partial]);
        File.Move(partial, clip, overwrite: true);
        return clip;
    }
}
