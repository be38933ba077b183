using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Evaluation;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Tests.Models;

/// <summary>Runs a shipped model over a shipped video with the project's own engine and evaluator.</summary>
internal static class ShippedModel
{
    public static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VideoAnalytics.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found"), relative);
    }

    /// <summary>Detects on the first <paramref name="frames"/> frames of <paramref name="video"/> and scores them against its ground truth.</summary>
    public static EvaluationResult Evaluate(string model, string video, int frames, int batch = 4)
    {
        var detected = Detect(model, video, frames, batch);
        var truth = EvaluationInputReader.ReadGroundTruth(RepoFile($"models/{video}.gt.jsonl"));
        return DetectionEvaluator.Evaluate(truth, detected);
    }

    /// <summary>Runs <paramref name="model"/> on the first <paramref name="frames"/> frames of <paramref name="video"/>, in batches.</summary>
    public static List<DetectedFrame> Detect(string model, string video, int frames, int batch = 4)
    {
        using var detector = RefineDetDetector.Load(RepoFile($"models/{model}.onnx"));
        using var source = VideoSource.Open(RepoFile($"models/{video}.mp4"));
        var width = source.Width;
        var height = source.Height;
        var buffers = Enumerable.Range(0, batch).Select(_ => new byte[width * 3 * height]).ToArray();
        var results = new DetectionBatch();
        var detected = new List<DetectedFrame>();
        var index = 0L;
        while (index < frames)
        {
            var n = 0;
            var images = new BgrFrame[batch];
            while (n < batch && index + n < frames && source.TryRead(buffers[n], out var info) == FrameReadResult.Frame)
            {
                images[n] = new BgrFrame(buffers[n], info.Width, info.Height, info.Stride);
                n++;
            }

            if (n == 0)
            {
                break;
            }

            detector.Detect(images.AsSpan(0, n), results);
            for (var i = 0; i < n; i++)
            {
                var objects = new List<DetectedObject>();
                foreach (var d in results[i])
                {
                    objects.Add(new DetectedObject(d.ClassId, detector.Model.Labels[d.ClassId], d.Score, new PixelBox(d.X1, d.Y1, d.X2, d.Y2)));
                }

                detected.Add(new DetectedFrame(null, index + i, objects));
            }

            index += n;
        }

        return detected;
    }
}
