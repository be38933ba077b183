using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// Checks that a network camera answers before its URL goes to OpenCV. OpenCV 4.6 holds one process-wide mutex for
/// the whole of every FFmpeg open, so a camera that is switched off (the connect hangs), or a server that accepts
/// and then says nothing, would keep every other camera on the node from opening, for the open timeout on each
/// retry. Caught here, in our own code, such a camera waits alone.
/// </summary>
/// <remarks>
/// Steps, all within one timeout: resolve the host; connect over TCP; for <c>rtsp://</c>, send an RTSP OPTIONS
/// request and wait for the status line of any answer (a 401 counts: the server is alive). <c>rtsps://</c> gets the
/// connect only. <c>http(s)://</c> gets the lookup only: some HTTP cameras (and <c>ffmpeg -listen 1</c>) serve one
/// connection and would spend it on the probe. Blocking: it runs on the camera's own capture thread.
/// </remarks>
internal static class SourceProbe
{
    /// <returns>Null when the source answered; otherwise why not, naming host and port (never credentials).</returns>
    public static string? Check(CameraSource source, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.IsLive || !Uri.TryCreate(source.Location, UriKind.Absolute, out var uri) || uri.IdnHost.Length == 0)
        {
            return null;
        }

        // rtsp's and rtsps's registered ports; Uri knows neither scheme, so it reports -1 when the URL names none.
        var port = uri.Port >= 0 ? uri.Port : source.Kind == CameraSourceKind.Rtsp ? 554 : 322;
        var endpoint = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]:{port}" : $"{uri.IdnHost}:{port}";
        var seconds = timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            IPAddress[] addresses;
            try
            {
                addresses = Resolve(uri.IdnHost, deadline.Token);
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

            if (source.Kind == CameraSourceKind.Http)
            {
                return null;
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
            {
                if (source.Kind != CameraSourceKind.Rtsp)
                {
                    return null;
                }

                try
                {
                    return AnswersOptions(socket, uri, port, deadline.Token)
                        ? null
                        : $"{endpoint} accepted the connection but did not answer as an RTSP server";
                }
                catch (OperationCanceledException)
                {
                    return $"{endpoint} accepted the connection but sent no RTSP answer within {seconds} s";
                }
            }
        }
        catch (SocketException ex)
        {
            return $"cannot connect to {endpoint}: {ex.Message}";
        }
    }

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

    // Any status line counts, 401 and 404 included: the server is alive, and OpenCV will report what it refuses.
    private static bool AnswersOptions(Socket socket, Uri uri, int port, CancellationToken cancellation)
    {
        // The request names the URL without user information: credentials never leave in a probe.
        var target = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty, Port = port }.Uri.AbsoluteUri;
        var request = Encoding.ASCII.GetBytes($"OPTIONS {target} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: VideoAnalytics\r\n\r\n");
        socket.SendAsync(request, SocketFlags.None, cancellation).AsTask().GetAwaiter().GetResult();
        var answer = new byte[5];
        var received = 0;
        while (received < answer.Length)
        {
            var n = socket.ReceiveAsync(answer.AsMemory(received), SocketFlags.None, cancellation).AsTask().GetAwaiter().GetResult();
            if (n == 0)
            {
                return false;
            }

            received += n;
        }

        return answer.AsSpan().SequenceEqual("RTSP/"u8);
    }
}
