using System.Net;
using System.Net.Sockets;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// Resolves a sink's host when it connects and refuses link-local addresses (169.254.0.0/16, fe80::/10, AWS's
/// fd00:ec2::254), where cloud metadata services hand out the host's credentials. The API refuses such addresses and
/// names in the URL; a name can still resolve there (by mistake, or on purpose and only later: DNS rebinding), so the
/// check that counts is this one, on the addresses actually dialled — the connection goes to the very addresses that
/// were checked, never to a second lookup's answer.
/// </summary>
/// <remarks>Sinks have no setting that allows link-local receivers, unlike cameras: nothing an operator would send
/// events to lives there.</remarks>
public sealed class SinkHostGuard
{
    /// <summary>Resolves a host name to its addresses (a seam for tests: names that resolve wherever a test needs).</summary>
    public delegate Task<IPAddress[]> Resolver(string host, CancellationToken cancellationToken);

    private readonly Resolver _resolve;

    /// <param name="resolver">Null: the system's resolver.</param>
    public SinkHostGuard(Resolver? resolver = null) => _resolve = resolver ?? Dns.GetHostAddressesAsync;

    /// <summary>The addresses to connect to for <paramref name="host"/> (a name or an IP literal, brackets allowed).</summary>
    /// <exception cref="SinkDeliveryException">The host does not resolve, or resolves to a link-local address.</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (LinkLocalAddresses.IsLinkLocalHost(host))
        {
            throw Refused(host, null);
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await _resolve(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new SinkDeliveryException($"cannot resolve host '{host}': {e.Message}", e);
            }
        }

        if (addresses.Length == 0)
        {
            throw new SinkDeliveryException($"cannot resolve host '{host}': no addresses");
        }

        if (Array.Find(addresses, LinkLocalAddresses.IsLinkLocal) is { } local)
        {
            throw Refused(host, local);
        }

        return addresses;
    }

    /// <summary>
    /// <see cref="SocketsHttpHandler.ConnectCallback"/> for webhooks: resolves and checks the request's host, then
    /// connects to the checked addresses in the resolver's order.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static SinkDeliveryException Refused(string host, IPAddress? address) => new(address is null
        ? $"host '{host}' is a link-local address or cloud metadata name, which sinks may not send to (they serve the host's credentials)"
        : $"host '{host}' resolves to the link-local address {address}, which sinks may not send to (cloud metadata services live there)");
}
