using System.ComponentModel.DataAnnotations;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// How camera grains open, watch and reconnect their sources (configuration section <c>Cameras</c>). Validated at
/// start by <see cref="CameraOptionsValidator"/>: a bad value stops the process with a message naming the key.
/// </summary>
public sealed class CameraOptions
{
    public const string SectionName = "Cameras";

    /// <summary>Folders file sources may come from; a file path outside all of them is refused. Empty: no file sources.</summary>
    public IList<string> MediaRoots { get; init; } = [];

    /// <summary>No frame for this long counts as a stall (even with the connection open) and triggers a reconnect.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan WatchdogTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First reconnect delay; doubled per failed attempt (with jitter) up to <see cref="ReconnectMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long opening a source may take. Kept short: OpenCV runs one FFmpeg open at a time per process;
    /// <see cref="SourceProbe"/> keeps silent cameras out of it, but one that answers and then stalls mid-open still
    /// holds the others up for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan OpenTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one read may block (FFmpeg); the watchdog timeout caps it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Cameras may use link-local addresses (169.254.0.0/16, fe80::/10) and the cloud metadata names
    /// (<c>169.254.169.254</c>, <c>metadata.google.internal</c>). Off by default: a camera URL is a request the service
    /// makes for whoever registered it, and those addresses serve the host's cloud credentials. Checked when a camera is
    /// registered (literal addresses and names) and before every connect (what the name resolves to).</summary>
    public bool AllowLinkLocal { get; set; }

    /// <summary>Where <c>${file:NAME}</c> references in camera URLs are read from: the Docker and Kubernetes secrets
    /// mount by default. Relative: against the working directory. Need not exist until a URL refers to it.</summary>
    public string SecretsDirectory { get; set; } = CameraSecretResolver.DefaultDirectory;

    /// <summary>Files start over at the end (demo media); otherwise a file camera stops when its file ends.</summary>
    public bool LoopFiles { get; set; } = true;

    /// <summary>RTP transport for <c>rtsp://</c> and <c>rtsps://</c>: TCP by default (works through NAT and firewalls).</summary>
    [EnumDataType(typeof(RtspTransport))]
    public RtspTransport RtspTransport { get; set; } = RtspTransport.Tcp;
}
