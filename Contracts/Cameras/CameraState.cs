namespace VideoAnalytics.Contracts.Cameras;

/// <summary>Life cycle of a camera: starting → streaming → reconnecting → failed | stopped.</summary>
[GenerateSerializer]
public enum CameraState
{
    Starting,
    Streaming,
    Reconnecting,
    Failed,
    Stopped,
}
