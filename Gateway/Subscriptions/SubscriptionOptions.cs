namespace VideoAnalytics.Gateway.Subscriptions;

/// <summary>Configuration section <c>Subscriptions</c>.</summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Subscriptions";

    /// <summary>Frames a subscriber may have waiting before the oldest are dropped (and a gap event sent).</summary>
    public int BufferFrames { get; set; } = 256;

    /// <summary>An SSE comment line is sent this often so proxies keep idle connections open.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);
}
