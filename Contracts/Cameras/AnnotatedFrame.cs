namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// One analysed frame with its detections drawn, as a JPEG: what snapshots and MJPEG viewers get. It crosses grain
/// calls (the gateway asks the camera's silo for it); raw pixels never do.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AnnotatedFrame(string CameraId, long FrameIndex, DateTimeOffset Timestamp, byte[] Jpeg);
