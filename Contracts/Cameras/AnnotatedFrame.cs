namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// One analysed frame as a JPEG, its detections drawn unless the viewer asked for the clean picture: what snapshots
/// and MJPEG viewers get. It crosses grain calls (the gateway asks the camera's silo for it); raw pixels never do.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AnnotatedFrame(string CameraId, long FrameIndex, DateTimeOffset Timestamp, byte[] Jpeg);
