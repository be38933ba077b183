using VideoAnalytics.Contracts.Analytics;

namespace VideoAnalytics.Contracts.Sinks;

/// <summary>What a sink can be told: analysed frames, scene events, and a camera's state changing.</summary>
public static class SinkEventTypes
{
    public const string Detections = "detections";
    public const string ZoneEnter = SceneEvent.ZoneEnter;
    public const string ZoneExit = SceneEvent.ZoneExit;
    public const string LineCross = SceneEvent.LineCross;
    public const string CameraState = "camera.state";

    public static readonly IReadOnlyList<string> All = [Detections, ZoneEnter, ZoneExit, LineCross, CameraState];
}
