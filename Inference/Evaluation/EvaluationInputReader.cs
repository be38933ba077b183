using System.Globalization;
using System.Text.Json;

namespace VideoAnalytics.Inference.Evaluation;

/// <summary>
/// Reads the two JSON-lines inputs of an evaluation: ground truth (<c>*.gt.jsonl</c>, one frame per
/// line, format in models/README.md) and detections (one DetectionFrame per line, as the service
/// records them). Blank lines are skipped; fields not needed for evaluation are ignored; a missing
/// <c>classId</c> reads as -1 (classes are matched by label); anything else missing or wrong stops the
/// read with an <see cref="EvaluationInputException"/> naming the file and line.
/// </summary>
public static class EvaluationInputReader
{
    /// <exception cref="EvaluationInputException">A line is malformed or a frame index repeats.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when missing).</exception>
    public static IReadOnlyList<GroundTruthFrame> ReadGroundTruth(string path)
    {
        using var reader = File.OpenText(path);
        return ParseGroundTruth(reader, path);
    }

    /// <exception cref="EvaluationInputException">A line is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when missing).</exception>
    public static IReadOnlyList<DetectedFrame> ReadDetections(string path)
    {
        using var reader = File.OpenText(path);
        return ParseDetections(reader, path);
    }

    /// <param name="reader">The JSONL text.</param>
    /// <param name="sourceName">Named in error messages, usually the file path.</param>
    public static IReadOnlyList<GroundTruthFrame> ParseGroundTruth(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        var frames = new List<GroundTruthFrame>();
        var lineOfFrame = new Dictionary<long, int>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var line = Deserialize(text, EvaluationJsonContext.Default.GroundTruthLine, sourceName, lineNumber);
            var errors = new LineErrors(sourceName, lineNumber);
            var frameIndex = line.FrameIndex ?? throw errors.Missing("frameIndex");
            var objectLines = line.Objects ?? throw errors.Missing("objects");
            var objects = new GroundTruthObject[objectLines.Count];
            for (var i = 0; i < objects.Length; i++)
            {
                var field = string.Create(CultureInfo.InvariantCulture, $"objects[{i}]");
                var o = objectLines[i] ?? throw errors.Missing(field);
                objects[i] = new GroundTruthObject(
                    o.ClassId ?? -1,
                    RequireLabel(o.Label, field, errors),
                    RequireBox(o.Box, field, errors),
                    o.Difficult ?? false,
                    o.Id);
            }

            if (!lineOfFrame.TryAdd(frameIndex, lineNumber))
            {
                throw errors.Invalid(string.Create(
                    CultureInfo.InvariantCulture,
                    $"frame {frameIndex} already appeared on line {lineOfFrame[frameIndex]}"));
            }

            frames.Add(new GroundTruthFrame(frameIndex, objects));
        }

        return frames;
    }

    /// <param name="reader">The JSONL text.</param>
    /// <param name="sourceName">Named in error messages, usually the file path.</param>
    public static IReadOnlyList<DetectedFrame> ParseDetections(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        var frames = new List<DetectedFrame>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var line = Deserialize(text, EvaluationJsonContext.Default.DetectionLine, sourceName, lineNumber);
            var errors = new LineErrors(sourceName, lineNumber);
            var frameIndex = line.FrameIndex ?? throw errors.Missing("frameIndex");
            var detectionLines = line.Detections ?? throw errors.Missing("detections");
            var detections = new DetectedObject[detectionLines.Count];
            for (var i = 0; i < detections.Length; i++)
            {
                var field = string.Create(CultureInfo.InvariantCulture, $"detections[{i}]");
                var d = detectionLines[i] ?? throw errors.Missing(field);
                var score = d.Score ?? throw errors.Missing(field + ".score");
                if (!double.IsFinite(score))
                {
                    throw errors.Invalid(field + ".score is not a finite number");
                }

                detections[i] = new DetectedObject(d.ClassId ?? -1, RequireLabel(d.Label, field, errors), score, RequireBox(d.Box, field, errors), d.TrackId);
            }

            frames.Add(new DetectedFrame(line.CameraId, frameIndex, detections));
        }

        return frames;
    }

    private static T Deserialize<T>(string text, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string sourceName, int lineNumber)
        where T : class
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(text, typeInfo);
        }
        catch (JsonException ex)
        {
            // System.Text.Json reports positions within the string it was given, i.e. "line 0"; translate
            // to the file's line and a 1-based column, and drop its own position suffix.
            var message = ex.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }

            var where = ex.BytePositionInLine is { } column
                ? string.Create(CultureInfo.InvariantCulture, $" at column {column + 1}")
                : string.Empty;
            var path = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? string.Empty : $" ({ex.Path})";
            throw new EvaluationInputException(sourceName, lineNumber, $"invalid JSON{where}{path}: {message}", ex);
        }

        return value ?? throw new EvaluationInputException(sourceName, lineNumber, "expected a JSON object, found null");
    }

    private static string RequireLabel(string? label, string field, LineErrors errors)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            throw label is null ? errors.Missing(field + ".label") : errors.Invalid(field + ".label is empty");
        }

        return label;
    }

    private static PixelBox RequireBox(BoxLine? box, string field, LineErrors errors)
    {
        field += ".box";
        if (box is null)
        {
            throw errors.Missing(field);
        }

        var x1 = box.X1 ?? throw errors.Missing(field + ".x1");
        var y1 = box.Y1 ?? throw errors.Missing(field + ".y1");
        var x2 = box.X2 ?? throw errors.Missing(field + ".x2");
        var y2 = box.Y2 ?? throw errors.Missing(field + ".y2");
        if (!double.IsFinite(x1) || !double.IsFinite(y1) || !double.IsFinite(x2) || !double.IsFinite(y2))
        {
            throw errors.Invalid(field + " has a coordinate that is not a finite number");
        }

        if (x2 < x1 || y2 < y1)
        {
            throw errors.Invalid(string.Create(
                CultureInfo.InvariantCulture,
                $"{field} is inverted (x1={x1}, y1={y1}, x2={x2}, y2={y2}); expected x1 <= x2 and y1 <= y2"));
        }

        return new PixelBox(x1, y1, x2, y2);
    }

    private readonly record struct LineErrors(string SourceName, int LineNumber)
    {
        public EvaluationInputException Missing(string field) => new(SourceName, LineNumber, $"required field '{field}' is missing");

        public EvaluationInputException Invalid(string reason) => new(SourceName, LineNumber, reason);
    }
}
