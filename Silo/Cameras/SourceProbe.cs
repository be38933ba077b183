using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// Checks that a network camera answers before its URL goes to OpenCV. OpenCV 4.6 holds one process-wide mutex for
/// the whole of every FFmpeg open, so a camera that is switched off (the connect hangs), or a server that accepts
/// and then says nothing, would keep every other camera on the node from opening, for the open timeout on each
/// retry. Caught here, in our own code, such a camera waits alone.
/// </summary>
/// <remarks>
/// Steps, all within one timeout: resolve the host (and refuse link-local addresses unless allowed: a name can
/// point at 169.254.169.254 even when the URL does not say so); connect over TCP; then ask for the first bytes of an
/// answer: <c>rtsp://</c> an RTSP OPTIONS, <c>http://</c> an HTTP GET, <c>https://</c> a TLS handshake and the same
/// GET, <c>rtsps://</c> the TLS handshake. Any status line counts as alive (401 and 404 included): OpenCV reports
/// what the server refuses, with its own message. Requests name the URL without user information, so credentials
/// never leave in a probe. A server that serves a single connection (<c>ffmpeg -listen 1</c>) spends it on the
/// probe; such a server cannot be reconnected to after a network blip either, so it is no camera to design for.
/// Blocking: it runs on the camera's own capture thread.
/// </remarks>
internal static class SourceProbe
{
    /// <summary>Resolves a host name to its addresses (a seam for tests: names that resolve to link-local addresses).</summary>
    internal delegate IPAddress[] Resolver(string host, CancellationToken cancellation);

    /// <returns>Null when the source answered; otherwise why not, naming host and port (never credentials).</returns>
    public static string? Check(CameraSource source, TimeSpan timeout, bool allowLinkLocal = false, Resolver? resolver = null) =>
        Check(source, timeout, allowLinkLocal, resolver, out _);

    /// <summary>As <see cref="Check(CameraSource, TimeSpan, bool, Resolver?)"/>; <c>refused</c> is true when the source
    /// was not tried because of where it points (a link-local address): a refusal, not an unreachable camera.</summary>
    public static string? Check(CameraSource source, TimeSpan timeout, bool allowLinkLocal, Resolver? resolver, out bool refused)
    {
        ArgumentNullException.ThrowIfNull(source);
        refused = false;
        if (!source.IsLive || !Uri.TryCreate(source.Location, UriKind.Absolute, out var uri) || uri.IdnHost.Length == 0)
        {
            return null;
        }

        var tls = source.Kind == CameraSourceKind.Rtsps || uri.Scheme == Uri.UriSchemeHttps;
        var port = uri.Port >= 0 ? uri.Port : DefaultPort(source.Kind, tls);
        var endpoint = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]:{port}" : $"{uri.IdnHost}:{port}";
        var seconds = timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            IPAddress[] addresses;
            try
            {
                addresses = (resolver ?? Resolve)(uri.IdnHost, deadline.Token);
            }
            catch (SocketException ex)
            {
                // Whatever the resolver's code (no such name, no answer, no resolver at all), it is the lookup that failed.
                return $"cannot resolve host '{uri.IdnHost}': {ex.Message}";
            }
            catch (OperationCanceledException)
            {
                return $"cannot resolve host '{uri.IdnHost}': no answer within {seconds} s";
            }

            if (addresses.Length == 0)
            {
                return $"cannot resolve host '{uri.IdnHost}': no addresses";
            }

            if (!allowLinkLocal && Array.Find(addresses, LinkLocalAddresses.IsLinkLocal) is { } local)
            {
                refused = true;
                return $"host '{uri.IdnHost}' resolves to the link-local address {local}, which cameras may not use "
                    + $"(cloud metadata services live there); set {CameraOptions.SectionName}:{nameof(CameraOptions.AllowLinkLocal)}=true to allow it";
            }

            Socket socket;
            try
            {
                socket = Connect(addresses, port, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return $"cannot connect to {endpoint}: no answer within {seconds} s (camera off or unreachable?)";
            }

            using (socket)
            using (var network = new NetworkStream(socket, ownsSocket: false))
            {
                Stream stream = network;
                SslStream? secure = null;
                try
                {
                    if (tls)
                    {
                        try
                        {
                            secure = Handshake(network, uri.IdnHost, deadline.Token);
                            stream = secure;
                        }
                        catch (OperationCanceledException)
                        {
                            return $"{endpoint} accepted the connection but did not complete a TLS handshake within {seconds} s";
                        }
                        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
                        {
                            return $"{endpoint} accepted the connection but the TLS handshake failed: {ex.Message}";
                        }

                        if (source.Kind == CameraSourceKind.Rtsps)
                        {
                            // The handshake is the answer: RTSP inside TLS is left to FFmpeg.
                            return null;
                        }
                    }

                    // HTTP: the path alone, not the query, which may carry a token (?password=, ?token=): any status
                    // line will do, so the probe needs nothing that could be a secret.
                    var (protocol, request) = source.Kind == CameraSourceKind.Rtsp
                        ? ("RTSP", $"OPTIONS {Target(uri, port)} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: VideoAnalytics\r\n\r\n")
                        : ("HTTP", $"GET {uri.AbsolutePath} HTTP/1.1\r\nHost: {uri.Authority}\r\nUser-Agent: VideoAnalytics\r\nConnection: close\r\n\r\n");
                    try
                    {
                        return AnswersWith(stream, request, protocol + "/", deadline.Token)
                            ? null
                            : $"{endpoint} accepted the connection but did not answer as an {protocol} server";
                    }
                    catch (OperationCanceledException)
                    {
                        return $"{endpoint} accepted the connection but sent no {protocol} answer within {seconds} s";
                    }
                    catch (IOException ex)
                    {
                        return $"{endpoint} accepted the connection but closed it: {ex.Message}";
                    }
                }
                finally
                {
                    secure?.Dispose();
                }
            }
        }
        catch (SocketException ex)
        {
            return $"cannot connect to {endpoint}: {ex.Message}";
        }
    }

    // rtsp's and rtsps's registered ports; Uri knows neither scheme, so it reports -1 when the URL names none.
    private static int DefaultPort(CameraSourceKind kind, bool tls) => kind switch
    {
        CameraSourceKind.Rtsp => 554,
        CameraSourceKind.Rtsps => 322,
        _ => tls ? 443 : 80,
    };

    private static IPAddress[] Resolve(string host, CancellationToken cancellation) =>
        IPAddress.TryParse(host, out var address)
            ? [address]
            : Dns.GetHostAddressesAsync(host, cancellation).GetAwaiter().GetResult();

    // Each address in turn (IPv6 and IPv4 alike); the last refusal is the one reported.
    private static Socket Connect(IPAddress[] addresses, int port, CancellationToken cancellation)
    {
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.ConnectAsync(address, port, cancellation).AsTask().GetAwaiter().GetResult();
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>
    /// The TLS handshake, accepting any certificate. Cameras serve self-signed certificates almost always, and the
    /// probe only asks whether something answers; it sends no credentials and reads nothing but a status line. What
    /// is trusted for the stream itself is FFmpeg's decision, not this one.
    /// </summary>
    private static SslStream Handshake(Stream network, string host, CancellationToken cancellation)
    {
        var secure = new SslStream(network, leaveInnerStreamOpen: true);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                // A literal address is no valid SNI name.
                TargetHost = IPAddress.TryParse(host, out _) ? string.Empty : host,
#pragma warning disable CA5359 // Deliberate, for the probe only (see above): nothing secret is sent over this connection.
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
            };
            secure.AuthenticateAsClientAsync(options, cancellation).GetAwaiter().GetResult();
            return secure;
        }
        catch
        {
            secure.Dispose();
            throw;
        }
    }

    // The URL without user information, with its port spelt out (RTSP servers expect the absolute URL).
    private static string Target(Uri uri, int port) =>
        new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty, Port = port }.Uri.AbsoluteUri;

    /// <summary>Sends <paramref name="request"/> and reads until the answer's first bytes tell whether they are <paramref name="prefix"/>.</summary>
    private static bool AnswersWith(Stream stream, string request, string prefix, CancellationToken cancellation)
    {
        stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellation).AsTask().GetAwaiter().GetResult();
        stream.FlushAsync(cancellation).GetAwaiter().GetResult();
        var answer = new byte[prefix.Length];
        var received = 0;
        while (received < answer.Length)
        {
            var n = stream.ReadAsync(answer.AsMemory(received), cancellation).AsTask().GetAwaiter().GetResult();
            if (n == 0)
            {
                return false;
            }

            received += n;
        }

        return Encoding.ASCII.GetString(answer) == prefix;
    }
}
