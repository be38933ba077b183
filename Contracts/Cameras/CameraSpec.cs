using VideoAnalytics.Contracts.Analytics;

namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// What an operator registered: where the stream is and how to analyse it. Only <see cref="Id"/> and
/// <see cref="Url"/> are required; the rest have service defaults.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CameraSpec
{
    public const string DefaultModel = "refinedet-lite-320";

    [Id(0)]
    public required string Id { get; init; }

    /// <summary>rtsp://, rtsps://, http(s):// or a file path under a configured media root. May carry credentials: redact before showing.</summary>
    [Id(1)]
    public required string Url { get; init; }

    /// <summary>Target analysed frames per second (0.1–60); the source is sampled down to this rate.</summary>
    [Id(2)]
    public double Fps { get; init; } = 5;

    [Id(3)]
    public string Model { get; init; } = DefaultModel;

    /// <summary>Detections scoring below this are not published (0–1).</summary>
    [Id(4)]
    public double MinScore { get; init; } = 0.4;

    /// <summary>Classes of interest; empty means every class the model knows.</summary>
    [Id(5)]
    public IReadOnlyList<string> Classes { get; init; } = [];

    [Id(6)]
    public bool Enabled { get; init; } = true;

    /// <summary>Areas whose occupancy is counted and whose entries and exits are events (<see cref="SceneRules"/>).</summary>
    [Id(7)]
    public IReadOnlyList<ZoneSpec> Zones { get; init; } = [];

    /// <summary>Counting lines whose crossings are events, by direction.</summary>
    [Id(8)]
    public IReadOnlyList<LineSpec> Lines { get; init; } = [];

    /// <summary>The camera's own tracker thresholds; null (or a field left null) is the silo's <c>Inference:Tracking:*</c>.</summary>
    [Id(9)]
    public TrackingSpec? Tracking { get; init; }

    /// <summary>Value equality including the class list (records compare lists by reference).</summary>
    public bool SameAs(CameraSpec? other) =>
        other is not null && Id == other.Id && Url == other.Url && Fps.Equals(other.Fps) && Model == other.Model
        && MinScore.Equals(other.MinScore) && Enabled == other.Enabled && Classes.SequenceEqual(other.Classes)
        && Zones.Count == other.Zones.Count && Zones.Zip(other.Zones).All(z => z.First.SameAs(z.Second))
        && Lines.Count == other.Lines.Count && Lines.Zip(other.Lines).All(l => l.First.SameAs(l.Second))
        && Equals(Tracking, other.Tracking);
}
