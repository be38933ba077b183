namespace VideoAnalytics.Silo.Pipeline;

/// <summary>One analysed frame with its detections drawn, as a JPEG (what snapshots and MJPEG viewers get).</summary>
public sealed record AnnotatedFrame(string CameraId, long FrameIndex, DateTimeOffset Timestamp, byte[] Jpeg);
