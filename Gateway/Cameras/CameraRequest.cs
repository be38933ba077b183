using VideoAnalytics.Contracts.Analytics;

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

    /// <summary>Replaces the camera's zones (an empty list removes them; absent keeps them on PATCH).</summary>
    public IReadOnlyList<ZoneRequest>? Zones { get; init; }

    /// <summary>Replaces the camera's counting lines, like <see cref="Zones"/>.</summary>
    public IReadOnlyList<LineRequest>? Lines { get; init; }
}

/// <summary>A zone as sent: <c>{"name", "polygon": [[x, y], …], "classes"?, "point"?}</c>, checked by the validator.</summary>
public sealed record ZoneRequest
{
    public string? Name { get; init; }

    public IReadOnlyList<double[]>? Polygon { get; init; }

    public IReadOnlyList<string>? Classes { get; init; }

    public ReferencePoint? Point { get; init; }
}

/// <summary>A counting line as sent: <c>{"name", "from": [x, y], "to": [x, y], "classes"?, "point"?}</c>.</summary>
public sealed record LineRequest
{
    public string? Name { get; init; }

    public double[]? From { get; init; }

    public double[]? To { get; init; }

    public IReadOnlyList<string>? Classes { get; init; }

    public ReferencePoint? Point { get; init; }
}
