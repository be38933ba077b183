using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;

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

    /// <summary>
    /// Replaces the camera's tracker settings as a whole (absent or null keeps them on PATCH; <c>{}</c> goes back to
    /// the silo's for every field).
    /// </summary>
    public TrackingRequest? Tracking { get; init; }
}

/// <summary>
/// The tracker settings as sent (<see cref="TrackingSpec"/>'s fields, each optional). The frame counts are read as
/// numbers and checked to be whole by the validator, so that <c>2.5</c> is a 400 naming <c>tracking.confirmHits</c>
/// rather than a body that does not parse.
/// </summary>
public sealed record TrackingRequest
{
    public double? HighScore { get; init; }

    public double? LowScore { get; init; }

    public double? NewTrackScore { get; init; }

    public double? MatchCost { get; init; }

    public double? LowMatchCost { get; init; }

    public double? TentativeMatchCost { get; init; }

    public double? BoxBuffer { get; init; }

    public bool? LostTakeLowScores { get; init; }

    public double? TrackBuffer { get; init; }

    public double? ConfirmHits { get; init; }
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
