using System.ComponentModel.DataAnnotations;

namespace VideoAnalytics.Gateway.Live;

/// <summary>Configuration section <c>Live</c>: annotated snapshots and MJPEG views.</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>Frames per second an MJPEG viewer gets at most (each one is drawn and encoded for it).</summary>
    [Range(0.1, 30)]
    public double MaxFps { get; set; } = 5;

    /// <summary>How long to wait for a camera's next analysed frame before answering 503.</summary>
    public TimeSpan FrameTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
