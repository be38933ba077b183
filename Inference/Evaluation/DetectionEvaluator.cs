using System.Globalization;

namespace VideoAnalytics.Inference.Evaluation;

/// <summary>
/// Object-detection mAP over a video: VOC (2007 11-point and 2010+ all-point, IoU 0.5) and COCO
/// (AP@[.5:.95], AP50, AP75, small/medium/large). Frames are paired by frame index, classes by label.
/// </summary>
public static class DetectionEvaluator
{
    /// <summary>Evaluates already-parsed frames; neither input is modified.</summary>
    /// <param name="groundTruth">Annotated frames; each frame index at most once.</param>
    /// <param name="detections">
    /// Detection frames. Those from other cameras (when <see cref="EvaluationOptions.CameraId"/> is set) are
    /// dropped first; of the rest, each frame index may appear at most once, and frames without ground
    /// truth are ignored.
    /// </param>
    /// <param name="options">Filters and frame selection; <see cref="EvaluationOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">A frame index repeats on either side.</exception>
    public static EvaluationResult Evaluate(
        IEnumerable<GroundTruthFrame> groundTruth,
        IEnumerable<DetectedFrame> detections,
        EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(detections);
        options ??= EvaluationOptions.Default;
        options.Validate();

        var truthByFrame = IndexGroundTruth(groundTruth);
        var detectionsByFrame = IndexDetections(detections, options.CameraId);

        var detectionFramesWithoutTruth = 0;
        foreach (var frameIndex in detectionsByFrame.Keys)
        {
            if (!truthByFrame.ContainsKey(frameIndex))
            {
                detectionFramesWithoutTruth++;
            }
        }

        // Frames in index order so that score ties rank the same way on every run.
        var frameIndices = new List<long>(truthByFrame.Keys);
        frameIndices.Sort();

        var classes = new Dictionary<string, ClassState>(StringComparer.Ordinal);
        var framesEvaluated = 0;
        var truthFramesWithoutDetections = 0;
        var objectsOfClass = new Dictionary<string, List<GroundTruthObject>>(StringComparer.Ordinal);
        var detectionsOfClass = new Dictionary<string, List<DetectedObject>>(StringComparer.Ordinal);
        foreach (var frameIndex in frameIndices)
        {
            var hasDetections = detectionsByFrame.TryGetValue(frameIndex, out var detected);
            if (!hasDetections)
            {
                truthFramesWithoutDetections++;
                if (options.Frames == FrameSelection.OnlyDetectedFrames)
                {
                    continue;
                }
            }

            framesEvaluated++;
            objectsOfClass.Clear();
            detectionsOfClass.Clear();
            foreach (var o in truthByFrame[frameIndex].Objects)
            {
                ClassFor(classes, o.Label, o.ClassId, options).TruthClassId ??= o.ClassId;
                ListFor(objectsOfClass, o.Label).Add(o);
            }

            if (detected is not null)
            {
                foreach (var d in detected.Detections)
                {
                    if (d.Score >= options.MinScore)
                    {
                        ClassFor(classes, d.Label, d.ClassId, options);
                        ListFor(detectionsOfClass, d.Label).Add(d);
                    }
                }
            }

            foreach (var (label, state) in classes)
            {
                var hasObjects = objectsOfClass.TryGetValue(label, out var objects);
                var hasDetected = detectionsOfClass.TryGetValue(label, out var found);
                if (hasObjects || hasDetected)
                {
                    state.Accumulator.AddFrame(objects ?? (IReadOnlyList<GroundTruthObject>)[], found ?? (IReadOnlyList<DetectedObject>)[]);
                }
            }
        }

        var results = new List<ClassEvaluation>(classes.Count);
        foreach (var (label, state) in classes)
        {
            results.Add(state.Accumulator.Finish(label, state.TruthClassId ?? state.FirstClassId));
        }

        results.Sort(static (a, b) =>
        {
            var byId = a.ClassId.CompareTo(b.ClassId);
            return byId != 0 ? byId : string.CompareOrdinal(a.Label, b.Label);
        });

        return Summarize(options.Frames, framesEvaluated, truthFramesWithoutDetections, detectionFramesWithoutTruth, results);
    }

    internal static Dictionary<long, GroundTruthFrame> IndexGroundTruth(IEnumerable<GroundTruthFrame> groundTruth)
    {
        var byFrame = new Dictionary<long, GroundTruthFrame>();
        foreach (var frame in groundTruth)
        {
            ArgumentNullException.ThrowIfNull(frame, nameof(groundTruth));
            if (!byFrame.TryAdd(frame.FrameIndex, frame))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Ground truth has frame {frame.FrameIndex} more than once."));
            }
        }

        return byFrame;
    }

    internal static Dictionary<long, DetectedFrame> IndexDetections(IEnumerable<DetectedFrame> detections, string? cameraId)
    {
        var byFrame = new Dictionary<long, DetectedFrame>();
        foreach (var frame in detections)
        {
            ArgumentNullException.ThrowIfNull(frame, nameof(detections));
            if (cameraId is not null && !string.Equals(frame.CameraId, cameraId, StringComparison.Ordinal))
            {
                continue;
            }

            if (byFrame.TryGetValue(frame.FrameIndex, out var earlier))
            {
                // Merging would double-count; guessing which line is right would hide a mixed-up recording.
                var hint = string.Equals(earlier.CameraId, frame.CameraId, StringComparison.Ordinal)
                    ? "each frame must appear once"
                    : $"they come from cameras '{earlier.CameraId ?? "(none)"}' and '{frame.CameraId ?? "(none)"}'; choose one camera";
                // No parameter name: the message is shown to operators as is (the CLI prints it).
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Detections have frame {frame.FrameIndex} more than once: {hint}."));
            }

            byFrame.Add(frame.FrameIndex, frame);
        }

        return byFrame;
    }

    private static ClassState ClassFor(Dictionary<string, ClassState> classes, string label, int classId, EvaluationOptions options)
    {
        if (!classes.TryGetValue(label, out var state))
        {
            state = new ClassState(new ClassAccumulator(options.MaxDetectionsPerFrame), classId);
            classes.Add(label, state);
        }

        return state;
    }

    private static List<T> ListFor<T>(Dictionary<string, List<T>> lists, string label)
    {
        if (!lists.TryGetValue(label, out var list))
        {
            list = [];
            lists.Add(label, list);
        }

        return list;
    }

    private static EvaluationResult Summarize(
        FrameSelection frames,
        int framesEvaluated,
        int truthFramesWithoutDetections,
        int detectionFramesWithoutTruth,
        List<ClassEvaluation> classes)
    {
        int groundTruth = 0, detections = 0, truePositives = 0, falsePositives = 0;
        foreach (var c in classes)
        {
            groundTruth += c.GroundTruthCount;
            detections += c.DetectionCount;
            truePositives += c.TruePositives;
            falsePositives += c.FalsePositives;
        }

        var mean = new AveragePrecisions(
            Mean(classes, static ap => ap.Voc),
            Mean(classes, static ap => ap.Voc07),
            Mean(classes, static ap => ap.Coco),
            Mean(classes, static ap => ap.Coco50),
            Mean(classes, static ap => ap.Coco75),
            Mean(classes, static ap => ap.CocoSmall),
            Mean(classes, static ap => ap.CocoMedium),
            Mean(classes, static ap => ap.CocoLarge));
        return new EvaluationResult(
            frames,
            framesEvaluated,
            truthFramesWithoutDetections,
            detectionFramesWithoutTruth,
            groundTruth,
            detections,
            truePositives,
            falsePositives,
            mean,
            classes);
    }

    /// <summary>Mean over the classes where the metric is defined, so detector-only labels do not pull it down.</summary>
    private static double? Mean(List<ClassEvaluation> classes, Func<AveragePrecisions, double?> metric)
    {
        double sum = 0;
        var count = 0;
        foreach (var c in classes)
        {
            if (metric(c.AveragePrecision) is { } value)
            {
                sum += value;
                count++;
            }
        }

        return count > 0 ? sum / count : null;
    }

    private sealed class ClassState(ClassAccumulator accumulator, int firstClassId)
    {
        public ClassAccumulator Accumulator { get; } = accumulator;

        /// <summary>The id a label was first seen with; used when no ground truth has the label.</summary>
        public int FirstClassId { get; } = firstClassId;

        public int? TruthClassId { get; set; }
    }
}
