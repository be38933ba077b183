namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// The most recent failure of a camera, kept after it recovered (<see cref="CameraStatus.LastError"/> says only what is
/// wrong now): when it happened and why (URLs redacted).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CameraFailure
{
    [Id(0)]
    public required DateTimeOffset At { get; init; }

    [Id(1)]
    public required string Reason { get; init; }
}
