namespace VideoAnalytics.Gateway.Hosting;

/// <summary>Configuration section <c>Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// Run cameras and inference in this process too (all-in-one, the default). A cluster deployment sets it false:
    /// the gateway then only serves the API over the shared Redis state and the silos run the cameras.
    /// </summary>
    public bool HostSilo { get; set; } = true;
}
