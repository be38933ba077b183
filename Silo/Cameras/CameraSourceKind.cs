namespace VideoAnalytics.Silo.Cameras;

/// <summary>What kind of source a camera URL names.</summary>
public enum CameraSourceKind
{
    /// <summary><c>rtsp://</c>: RTP over the configured transport (TCP by default).</summary>
    Rtsp,

    /// <summary><c>rtsps://</c>: RTSP over TLS.</summary>
    Rtsps,

    /// <summary><c>http://</c> or <c>https://</c>: MJPEG or HLS through FFmpeg.</summary>
    Http,

    /// <summary>A video file under a configured media root: paced at its native fps.</summary>
    File,
}
