using System.Globalization;

namespace VideoAnalytics.Silo.Sinks.Mqtt;

/// <summary>
/// An MQTT sink's broker: <c>mqtt://[user[:password]@]host[:port]</c> (plain TCP, 1883) or <c>mqtts://…</c> (TLS, 8883).
/// The password is only ever handed to the MQTT client: <see cref="ToString"/> and every error message leave it out.
/// </summary>
public sealed record MqttBrokerAddress(string Host, int Port, bool UseTls, string? UserName, string? Password)
{
    public const int DefaultPort = 1883;
    public const int DefaultTlsPort = 8883;

    /// <summary>Parses <paramref name="url"/>, or says why it cannot (the reason never contains the URL's password).</summary>
    public static bool TryParse(string? url, out MqttBrokerAddress? address, out string? error)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            error = "the broker URL must look like mqtt://host[:port] or mqtts://host[:port]";
            return false;
        }

        var tls = uri.Scheme switch
        {
            "mqtt" => false,
            "mqtts" => true,
            _ => (bool?)null,
        };
        if (tls is null)
        {
            error = $"the broker URL's scheme must be mqtt or mqtts, not '{uri.Scheme}'";
            return false;
        }

        if (uri.Host.Length == 0)
        {
            error = "the broker URL names no host";
            return false;
        }

        // A path, query or fragment means nothing to MQTT over TCP; refusing it catches a pasted ws:// path or a topic.
        if (uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = "the broker URL must not have a path, query or fragment (the topic is its own setting)";
            return false;
        }

        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            if (user.Length == 0)
            {
                error = "the broker URL has a password but no user name";
                return false;
            }
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? (tls.Value ? DefaultTlsPort : DefaultPort) : uri.Port;
        address = new MqttBrokerAddress(uri.IdnHost, port, tls.Value, user, password);
        error = null;
        return true;
    }

    /// <summary>The address without its password, for logs and status: <c>mqtts://user@host:8883</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(UseTls ? "mqtts" : "mqtt")}://{(UserName is null ? "" : Uri.EscapeDataString(UserName) + "@")}{Host}:{Port}");
}
