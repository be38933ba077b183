namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>The OpenCV videoio backend that opens a <see cref="VideoSource"/>.</summary>
public enum VideoBackend
{
    /// <summary>Let OpenCV choose (it tries FFmpeg first for files and URLs).</summary>
    Any = 0,

    FFmpeg = 1,

    /// <summary>GStreamer: paths, URIs, or a pipeline ending in <c>appsink</c>. OpenCV 4.6's GStreamer backend has
    /// no open/read timeouts.</summary>
    GStreamer = 2,
}
