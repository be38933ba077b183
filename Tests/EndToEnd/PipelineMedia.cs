using System.Diagnostics;

namespace VideoAnalytics.Tests.EndToEnd;

/// <summary>
/// Media and models for pipeline tests: a generated 640x360 25 fps H.264 clip, the tiny test model installed
/// as the default model name, and a corrupt model file. Fails loudly when ffmpeg is missing.
/// </summary>
public sealed class PipelineMedia : IDisposable
{
    public const int Width = 640;
    public const int Height = 360;

    public PipelineMedia()
    {
        Root = Directory.CreateTempSubdirectory("va-pipeline-").FullName;
        Models = Path.Combine(Root, "models");
        Media = Path.Combine(Root, "media");
        Directory.CreateDirectory(Models);
        Directory.CreateDirectory(Media);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Data", "tiny-raw.onnx"), Path.Combine(Models, "refinedet-lite-320.onnx"));
        File.WriteAllText(Path.Combine(Models, "corrupt.onnx"), "definitely not an ONNX model");
        Clip = Path.Combine(Media, "clip.mp4");
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={Width}x{Height}:rate=25", "-t", "4", "-c:v", "libx264", "-pix_fmt", "yuv420p", Clip])
        {
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("ffmpeg is required for the pipeline tests");
        var error = ffmpeg.StandardError.ReadToEnd();
        ffmpeg.WaitForExit();
        if (ffmpeg.ExitCode != 0 || !File.Exists(Clip))
        {
            throw new InvalidOperationException($"ffmpeg could not generate the test clip: {error}");
        }
    }

    public string Root { get; }

    public string Models { get; }

    public string Media { get; }

    public string Clip { get; }

    public Dictionary<string, string?> Settings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Inference:ModelsDirectory"] = Models,
            ["Inference:Preload:0"] = "refinedet-lite-320",
            ["Cameras:MediaRoots:0"] = Media,
            ["Registry:DataDirectory"] = string.Empty,
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
