namespace VideoAnalytics.Inference.Evaluation;

// The shapes of one JSONL line as written on disk. Everything is nullable so that a missing field is
// reported by name with its line number rather than as a default value that silently evaluates.
// Fields not listed here (timestamp, width, height, model, latencyMs, …) are ignored.

internal sealed class GroundTruthLine
{
    public long? FrameIndex { get; set; }

    public List<GroundTruthObjectLine?>? Objects { get; set; }
}

internal sealed class GroundTruthObjectLine
{
    public int? ClassId { get; set; }

    public string? Label { get; set; }

    public BoxLine? Box { get; set; }

    public bool? Difficult { get; set; }

    public int? Id { get; set; }
}

internal sealed class DetectionLine
{
    public string? CameraId { get; set; }

    public long? FrameIndex { get; set; }

    public List<DetectionObjectLine?>? Detections { get; set; }
}

internal sealed class DetectionObjectLine
{
    public int? ClassId { get; set; }

    public string? Label { get; set; }

    public double? Score { get; set; }

    public int? TrackId { get; set; }

    public BoxLine? Box { get; set; }
}

internal sealed class BoxLine
{
    public double? X1 { get; set; }

    public double? Y1 { get; set; }

    public double? X2 { get; set; }

    public double? Y2 { get; set; }
}
