using System.Globalization;
using System.Text;

namespace VideoAnalytics.Bench.Capture;

/// <summary>What <see cref="CaptureBenchmark"/> measured: the clip, how many runs, and a row per pipeline.</summary>
public sealed record CaptureResult(string Clip, int Width, int Height, int Runs, IReadOnlyList<CaptureMeasurement> Rows)
{
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Capture: decode of a {Width}x{Height} H.264 clip ({Path.GetFileName(Clip)}), median of {Runs} runs; ffmpeg timings include its process start.");
        text.AppendLine();
        text.AppendLine("| Pipeline | Frames | Median fps | Min fps | Max fps | Median s |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var row in Rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Pipeline} | {row.Frames} | {row.MedianFps:F1} | {row.MinFps:F1} | {row.MaxFps:F1} | {row.MedianSeconds:F2} |");
        }

        return text.ToString();
    }
}
