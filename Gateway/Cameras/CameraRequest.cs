namespace VideoAnalytics.Gateway.Cameras;

/// <summary>The body of POST/PUT/PATCH /api/cameras: every field optional here, required ones checked by the validator.</summary>
public sealed record CameraRequest
{
    public string? Id { get; init; }

    public string? Url { get; init; }

    public double? Fps { get; init; }

    public string? Model { get; init; }

    public double? MinScore { get; init; }

    public IReadOnlyList<string>? Classes { get; init; }

    public bool? Enabled { get; init; }
}
