namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>How RTP travels for an <c>rtsp://</c> source.</summary>
public enum RtspTransport
{
    /// <summary>The backend's default (OpenCV's FFmpeg backend uses TCP).</summary>
    Default = 0,

    /// <summary>RTP interleaved in the RTSP TCP connection: works through NAT and firewalls.</summary>
    Tcp = 1,

    /// <summary>RTP over UDP: lower latency, may lose packets.</summary>
    Udp = 2,
}
