namespace VideoAnalytics.Gateway.Hosting;

/// <summary>Configuration section <c>Demo</c>: the bundled demo camera registered at start (all-in-one mode).</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    public string CameraId { get; set; } = "demo";

    /// <summary>The demo video; must lie under a media root.</summary>
    public string Url { get; set; } = "models/demo.mp4";

    public double Fps { get; set; } = 10;
}
