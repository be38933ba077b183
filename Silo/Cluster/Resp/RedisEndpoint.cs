using System.Globalization;

namespace VideoAnalytics.Silo.Cluster.Resp;

/// <summary>
/// Where Redis is: <c>host:port</c>, optionally followed by <c>,password=…</c> and <c>,user=…</c> (the usual
/// StackExchange.Redis spelling, so existing connection strings keep working).
/// </summary>
public sealed record RedisEndpoint(string Host, int Port, string? User, string? Password)
{
    public static RedisEndpoint Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? user = null;
        string? password = null;
        foreach (var option in parts.Skip(1))
        {
            var eq = option.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? option : option[..eq];
            var value = eq < 0 ? string.Empty : option[(eq + 1)..];
            if (key.Equals("password", StringComparison.OrdinalIgnoreCase))
            {
                password = value;
            }
            else if (key.Equals("user", StringComparison.OrdinalIgnoreCase))
            {
                user = value;
            }
        }

        var address = parts[0];
        var colon = address.LastIndexOf(':');
        if (colon <= 0)
        {
            return new RedisEndpoint(address, 6379, user, password);
        }

        return int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? new RedisEndpoint(address[..colon].Trim('[', ']'), port, user, password)
            : throw new FormatException($"'{address}' is not host:port");
    }

    public override string ToString() => $"{Host}:{Port}";
}
