using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Evaluation;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Inference.Tracking;

namespace VideoAnalytics.Tests.Models;

/// <summary>
/// Runs a shipped model and our tracker over a shipped video the way a camera does: every <c>step</c>-th frame (a
/// 25 fps file at the default camera rate of 5 fps is every fifth), one frame at a time, in order.
/// </summary>
internal static class ShippedTracking
{
    /// <summary>The tracked frames: each detection with the id the tracker gave it (null: on no confirmed track).</summary>
    public static List<DetectedFrame> Track(string model, string video, int step, double fps, TrackerOptions? options = null)
    {
        using var detector = RefineDetDetector.Load(ShippedModel.RepoFile($"models/{model}.onnx"));
        using var source = VideoSource.Open(ShippedModel.RepoFile($"models/{video}.mp4"));
        var buffer = new byte[source.Width * 3 * source.Height];
        var results = new DetectionBatch();
        var tracker = new ObjectTracker(options, fps);
        var ids = new int[1024];
        var tracked = new List<DetectedFrame>();
        var images = new BgrFrame[1];
        for (var index = 0L; source.TryRead(buffer, out var info) == FrameReadResult.Frame; index++)
        {
            if (index % step != 0)
            {
                continue;
            }

            images[0] = new BgrFrame(buffer, info.Width, info.Height, info.Stride);
            detector.Detect(images, results);
            var detections = results[0];
            tracker.Update(detections, ids);
            var objects = new List<DetectedObject>();
            for (var i = 0; i < detections.Length; i++)
            {
                var d = detections[i];
                objects.Add(new DetectedObject(
                    d.ClassId, detector.Model.Labels[d.ClassId], d.Score, new PixelBox(d.X1, d.Y1, d.X2, d.Y2), ids[i] == 0 ? null : ids[i]));
            }

            tracked.Add(new DetectedFrame(null, index, objects));
        }

        return tracked;
    }
}
