using System.Net;

namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// Link-local addresses (169.254.0.0/16, fe80::/10) and the names of the cloud metadata services that live there.
/// A camera URL is a request the service makes on a user's behalf; pointed at <c>169.254.169.254</c> it would fetch
/// the host's cloud credentials (server-side request forgery), so such cameras are refused unless
/// <c>Cameras:AllowLinkLocal</c> says this network really has cameras there.
/// </summary>
public static class LinkLocalAddresses
{
    // Names that resolve to a metadata service on the major clouds (GCP, AWS; Azure and others use the address only).
    private static readonly HashSet<string> MetadataNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal",
    };

    // AWS's IPv6 metadata endpoint is a unique-local address, not a link-local one, but serves the same secrets.
    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");

    public static bool IsLinkLocal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            return bytes[0] == 169 && bytes[1] == 254;
        }

        return address.IsIPv6LinkLocal || address.Equals(AwsMetadataV6);
    }

    /// <summary>True for a host (as <see cref="Uri.Host"/> gives it) that is a link-local literal or a metadata name.</summary>
    public static bool IsLinkLocalHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']').TrimEnd('.');
        var zone = bare.IndexOf('%', StringComparison.Ordinal);
        if (IPAddress.TryParse(zone >= 0 ? bare[..zone] : bare, out var address))
        {
            return IsLinkLocal(address);
        }

        return MetadataNames.Contains(bare);
    }
}
