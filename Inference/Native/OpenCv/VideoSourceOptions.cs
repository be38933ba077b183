namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>How <see cref="VideoSource.Open"/> opens a file, URL or pipeline.</summary>
public sealed class VideoSourceOptions
{
    /// <summary>The videoio backend; FFmpeg by default (the one verified for files and RTSP).</summary>
    public VideoBackend Backend { get; set; } = VideoBackend.FFmpeg;

    /// <summary>RTP transport for <c>rtsp://</c> sources. With FFmpeg it is passed through OpenCV's process-global
    /// <c>OPENCV_FFMPEG_CAPTURE_OPTIONS</c> while the open holds a process-wide lock.</summary>
    public RtspTransport RtspTransport { get; set; } = RtspTransport.Default;

    /// <summary>How long opening may take; <c>null</c> keeps the backend's default (FFmpeg: 30 s). Whole
    /// milliseconds, 1 ms to about 24 days. Not supported by the GStreamer backend.</summary>
    public TimeSpan? OpenTimeout { get; set; }

    /// <summary>How long one read may block; <c>null</c> keeps the backend's default (FFmpeg: 30 s). Not supported
    /// by the GStreamer backend.</summary>
    public TimeSpan? ReadTimeout { get; set; }

    /// <summary>Frames the backend may queue (CAP_PROP_BUFFERSIZE); 0 keeps its default. A hint: FFmpeg ignores it.</summary>
    public int BufferSize { get; set; }
}
