using System.Diagnostics;

namespace VideoAnalytics.Tests.Inference.OpenCv;

/// <summary>
/// Generates the media the OpenCV tests read, with the real ffmpeg, into a temp folder. A missing or failing
/// ffmpeg fails every test of the collection (it never skips).
/// </summary>
public sealed class MediaFixture : IDisposable
{
    public const int ClipWidth = 320;
    public const int ClipHeight = 240;
    public const int ClipFrames = 50; // 2 s at 25 fps

    public MediaFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "va-opencv-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Clip = Path.Combine(Directory, "clip.mp4");
        FastStartClip = Path.Combine(Directory, "faststart.mp4");
        TruncatedClip = Path.Combine(Directory, "truncated.mp4");
        TruncatedFastStartClip = Path.Combine(Directory, "truncated-faststart.mp4");
        CorruptClip = Path.Combine(Directory, "corrupt.mp4");
        UndecodableClip = Path.Combine(Directory, "c64.nut");
        AudioOnly = Path.Combine(Directory, "audio-only.mp4");

        const string source = "testsrc2=size=320x240:rate=25";
        Ffmpeg("-f", "lavfi", "-i", source, "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", Clip);
        Ffmpeg("-f", "lavfi", "-i", source, "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", FastStartClip);
        // a64multi has an encoder but no decoder in FFmpeg: a real file whose codec OpenCV cannot decode.
        Ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x200:rate=25", "-t", "1", "-c:v", "a64multi", "-f", "nut", UndecodableClip);
        Ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", AudioOnly);

        // The index (moov) of a plain MP4 is at the end: cutting the file loses it.
        var clipBytes = File.ReadAllBytes(Clip);
        File.WriteAllBytes(TruncatedClip, clipBytes.AsSpan(0, clipBytes.Length / 2).ToArray());
        // With faststart the index comes first: a cut file opens and then runs out of frames early.
        var fastStartBytes = File.ReadAllBytes(FastStartClip);
        File.WriteAllBytes(TruncatedFastStartClip, fastStartBytes.AsSpan(0, fastStartBytes.Length / 2).ToArray());
        var random = new byte[64 * 1024];
        new Random(1234).NextBytes(random);
        File.WriteAllBytes(CorruptClip, random);
    }

    public string Directory { get; }

    public string Clip { get; }

    public string FastStartClip { get; }

    public string TruncatedClip { get; }

    public string TruncatedFastStartClip { get; }

    public string CorruptClip { get; }

    public string UndecodableClip { get; }

    public string AudioOnly { get; }

    /// <summary>Encodes raw packed BGR pixels as a PNG with ffmpeg (lossless) and returns the file's bytes.</summary>
    public byte[] EncodePng(ReadOnlySpan<byte> bgr, int width, int height)
    {
        var name = Guid.NewGuid().ToString("N");
        var raw = Path.Combine(Directory, name + ".bgr");
        var png = Path.Combine(Directory, name + ".png");
        File.WriteAllBytes(raw, bgr.ToArray());
        Ffmpeg("-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{width}x{height}", "-i", raw, "-frames:v", "1", "-pix_fmt", "rgb24", png);
        return File.ReadAllBytes(png);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Temp clean-up only.
        }
    }

    internal static void Ffmpeg(params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-hide_banner", "-loglevel", "error", "-y" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("ffmpeg could not be started: the OpenCV tests need it (apt-get install ffmpeg).");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("ffmpeg did not finish within 120 s: " + string.Join(' ', arguments));
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed ({process.ExitCode}) for {string.Join(' ', arguments)}: {stderr.Result}");
        }
    }
}

