using System.Diagnostics;
using VideoAnalytics.Bench.Measurement;
using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Inference.Tracking;
using VideoAnalytics.Silo.Analytics;

namespace VideoAnalytics.Bench.Pipeline;

/// <summary>
/// The tracker's row: 16 cameras' worth of <see cref="ObjectTracker.Update"/> and <see cref="SceneAnalyzer.Analyze"/>
/// on the shipped model's real detections of the pipeline's clip, timed per call, against the pipeline's own cost per
/// published frame at 16 cameras, measured in the same run (the silo in a child process, as the pipeline section runs
/// it). Share = (tracker + analyzer µs per frame) / (the silo's CPU µs per published frame): the fraction of what a
/// frame costs the silo that tracking and scene analysis take. CPU time rather than wall time per frame because the
/// silo spreads a frame's work over every core while the tracker runs on the inference thread alone.
/// </summary>
public sealed record TrackerResult(
    int Cameras, int Frames, double DetectionsPerFrame, Spread ObjectsPerSecond, Spread TrackerMicrosPerFrame, Spread SceneMicrosPerFrame,
    PipelineRow Pipeline, IReadOnlyList<string> Notes)
{
    /// <summary>The silo's CPU time per published frame at <see cref="Cameras"/> cameras, µs.</summary>
    public double PipelineCpuMicrosPerFrame => Pipeline.PublishedFps.Median > 0 ? Pipeline.CpuPercent / 100 * 1e6 / Pipeline.PublishedFps.Median : double.NaN;

    /// <summary>Tracker + scene analyzer per frame over <see cref="PipelineCpuMicrosPerFrame"/>.</summary>
    public double Share => (TrackerMicrosPerFrame.Median + SceneMicrosPerFrame.Median) / PipelineCpuMicrosPerFrame;
}

public static class TrackerBenchmark
{
    public const int Cameras = 16;

    public static TrackerResult Measure(BenchModels models, int threads, int rounds, int windows, double windowSeconds)
    {
        ArgumentNullException.ThrowIfNull(models);
        var (frames, labels, width, height) = Detections(models, threads, frameCount: 150);
        var trackerUs = new List<double>();
        var sceneUs = new List<double>();
        var objectsPerSecond = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var (tracker, scene, objects) = Round(frames, labels, width, height);
            var perFrame = (double)Cameras * frames.Count;
            trackerUs.Add(tracker * 1e6 / perFrame);
            sceneUs.Add(scene * 1e6 / perFrame);
            objectsPerSecond.Add(objects / tracker);
        }

        var notes = new List<string>();
        var pipeline = PipelineBenchmark.MeasureCameras(models, threads, Cameras, windows, windowSeconds, notes);
        var detectionsPerFrame = frames.Average(f => (double)f.Length);
        return new TrackerResult(Cameras, frames.Count, detectionsPerFrame, Spread.Of(objectsPerSecond), Spread.Of(trackerUs), Spread.Of(sceneUs), pipeline, notes);
    }

    /// <summary>
    /// One round: a fresh tracker and analyzer per camera (a zone over the lower half, a line down the middle, as an
    /// operator might draw them), each camera starting at another point of the clip and playing it forward then back so
    /// that objects keep moving continuously. Returns seconds in Update, seconds in Analyze, detections fed.
    /// </summary>
    private static (double Tracker, double Scene, long Objects) Round(List<Detection[]> frames, IReadOnlyList<string> labels, int width, int height)
    {
        var trackers = new ObjectTracker[Cameras];
        var scenes = new SceneAnalyzer[Cameras];
        ZoneSpec[] zones = [new ZoneSpec { Name = "lower", Polygon = [new(0, 0.5), new(1, 0.5), new(1, 1), new(0, 1)] }];
        LineSpec[] lines = [new LineSpec { Name = "middle", From = new(0.5, 0), To = new(0.5, 1) }];
        for (var c = 0; c < Cameras; c++)
        {
            trackers[c] = new ObjectTracker(TrackerOptions.Default, PipelineBenchmark.CameraFps);
            scenes[c] = new SceneAnalyzer($"cam{c}", trackers[c].LostFrames);
            scenes[c].Configure(zones, lines);
        }

        var ids = new int[512];
        var events = new List<SceneEvent>(64);
        long trackerTicks = 0, sceneTicks = 0, objects = 0;
        var period = (2 * frames.Count) - 2;
        for (var f = 0; f < frames.Count; f++)
        {
            for (var c = 0; c < Cameras; c++)
            {
                var k = (f + (c * frames.Count / Cameras)) % period;
                var detections = frames[k < frames.Count ? k : period - k];
                var start = Stopwatch.GetTimestamp();
                trackers[c].Update(detections, ids);
                trackerTicks += Stopwatch.GetTimestamp() - start;
                objects += detections.Length;

                // What the worker publishes (its BuildFrame, not timed here: it is the pipeline's, with or without a tracker).
                var published = new List<DetectedObject>(detections.Length);
                for (var i = 0; i < detections.Length; i++)
                {
                    var d = detections[i];
                    if (d.Score >= 0.4f || ids[i] != 0)
                    {
                        published.Add(new DetectedObject(d.ClassId, labels[d.ClassId], d.Score, new BoundingBox(d.X1, d.Y1, d.X2, d.Y2), ids[i] == 0 ? null : ids[i]));
                    }
                }

                var frame = new DetectionFrame
                {
                    CameraId = $"cam{c}", FrameIndex = f, Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(f / PipelineBenchmark.CameraFps),
                    Width = width, Height = height, Model = BenchModels.Name, Detections = published,
                };
                events.Clear();
                start = Stopwatch.GetTimestamp();
                scenes[c].Analyze(frame, events);
                sceneTicks += Stopwatch.GetTimestamp() - start;
            }
        }

        return (trackerTicks / (double)Stopwatch.Frequency, sceneTicks / (double)Stopwatch.Frequency, objects);
    }

    /// <summary>
    /// The shipped model's detections of the pipeline's clip, consecutive frames, kept as the worker hands them to the
    /// tracker: scoring at least the tracker's low score (the default camera's minScore is higher), best first.
    /// </summary>
    private static (List<Detection[]> Frames, IReadOnlyList<string> Labels, int Width, int Height) Detections(BenchModels models, int threads, int frameCount)
    {
        var options = new DetectorOptions { Session = new SessionSettings { IntraOpThreads = threads, InterOpThreads = 1 }, MaxBatch = 8 };
        using var detector = RefineDetDetector.Load(models.Raw, options);
        using var source = VideoSource.Open(BenchMedia.Camera360p);
        var floor = TrackerOptions.Default.LowScore;
        var results = new DetectionBatch();
        var frames = new List<Detection[]>(frameCount);
        var buffer = new byte[source.FrameBytes];
        int width = 0, height = 0;
        while (frames.Count < frameCount && source.TryRead(buffer, out var info) == FrameReadResult.Frame)
        {
            (width, height) = (info.Width, info.Height);
            detector.Detect([new BgrFrame(buffer.AsMemory(0, info.Width * 3 * info.Height), info.Width, info.Height)], results);
            var kept = new List<Detection>();
            foreach (var d in results[0])
            {
                if (d.Score >= floor)
                {
                    kept.Add(d);
                }
            }

            frames.Add([.. kept]);
        }

        return frames.Count > 1 ? (frames, detector.Model.Labels, width, height) : throw new InvalidDataException($"{BenchMedia.Camera360p}: too few frames decoded");
    }
}
