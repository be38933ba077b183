namespace VideoAnalytics.Gateway.Security;

/// <summary>
/// Configuration section <c>Security</c>. With no keys the gateway is open, which it allows only while it
/// listens on loopback (the <c>make run</c> default); on any other address it refuses to start without keys.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Security";

    public List<ApiKey> ApiKeys { get; set; } = [];

    /// <summary>Origins allowed by CORS; empty (the default) disables CORS.</summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>Largest accepted request body (images for /api/detect included).</summary>
    public long MaxRequestBodyBytes { get; set; } = 20 * 1024 * 1024;
}

/// <summary>One API key and its role (<c>admin</c> or <c>viewer</c>).</summary>
public sealed class ApiKey
{
    public string Key { get; set; } = string.Empty;

    public string Role { get; set; } = GatewayPolicies.Viewer;
}
