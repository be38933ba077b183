namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// What an operator registered: where the stream is and how to analyse it. Only <see cref="Id"/> and
/// <see cref="Url"/> are required; the rest have service defaults.
/// </summary>
public sealed record CameraSpec
{
    public const string DefaultModel = "refinedet-lite-320";

    public required string Id { get; init; }

    /// <summary>rtsp://, rtsps://, http(s):// or a file path under a configured media root. May carry credentials: redact before showing.</summary>
    public required string Url { get; init; }

    /// <summary>Target analysed frames per second (0.1–60); the source is sampled down to this rate.</summary>
    public double Fps { get; init; } = 5;

    public string Model { get; init; } = DefaultModel;

    /// <summary>Detections scoring below this are not published (0–1).</summary>
    public double MinScore { get; init; } = 0.4;

    /// <summary>Classes of interest; empty means every class the model knows.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    public bool Enabled { get; init; } = true;

    /// <summary>Value equality including the class list (records compare lists by reference).</summary>
    public bool SameAs(CameraSpec? other) =>
        other is not null && Id == other.Id && Url == other.Url && Fps.Equals(other.Fps) && Model == other.Model
        && MinScore.Equals(other.MinScore) && Enabled == other.Enabled && Classes.SequenceEqual(other.Classes);
}
