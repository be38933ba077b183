using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cameras;

public sealed class SourceProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Fact]
    public void A_real_rtsp_server_answers()
    {
        using var server = new RtspTestServer(RtspMount.LiveTestPattern());
        Assert.Null(SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsp, server.Url), Timeout));
    }

    [Fact]
    public async Task A_server_that_accepts_and_says_nothing_is_caught_within_the_timeout()
    {
        using var mute = new TcpStub(reply: null);
        var error = SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsp, $"rtsp://127.0.0.1:{mute.Port}/live"), Timeout);
        Assert.Equal($"127.0.0.1:{mute.Port} accepted the connection but sent no RTSP answer within 2 s", error);
        Assert.StartsWith("OPTIONS ", await mute.FirstRequestAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_closed_port_is_refused()
    {
        var port = FreePort.Next();
        var error = SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsp, $"rtsp://127.0.0.1:{port}/live"), Timeout);
        Assert.StartsWith($"cannot connect to 127.0.0.1:{port}: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Something_else_than_rtsp_on_the_port_is_named()
    {
        using var web = new TcpStub(reply: "HTTP/1.1 400 Bad Request\r\n\r\n");
        var error = SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsp, $"rtsp://127.0.0.1:{web.Port}/live"), Timeout);
        Assert.Equal($"127.0.0.1:{web.Port} accepted the connection but did not answer as an RTSP server", error);
    }

    [Fact]
    public async Task An_unauthorized_answer_means_alive_and_credentials_never_leave_in_the_probe()
    {
        using var camera = new TcpStub(reply: "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n\r\n");
        var url = $"rtsp://admin:s3cret@127.0.0.1:{camera.Port}/Streaming/Channels/101?transport=tcp";
        Assert.Null(SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsp, url), Timeout));
        var request = await camera.FirstRequestAsync();
        Assert.StartsWith($"OPTIONS rtsp://127.0.0.1:{camera.Port}/Streaming/Channels/101?transport=tcp RTSP/1.0\r\nCSeq: 1\r\n", request, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", request, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", request, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_host_is_named()
    {
        var error = SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsp, "rtsp://no-such-camera.invalid/live"), Timeout);
        Assert.StartsWith("cannot resolve host 'no-such-camera.invalid'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_camera_gets_a_get_without_credentials_and_any_status_line_means_alive()
    {
        using var camera = new TcpStub(reply: "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
        var url = $"http://admin:s3cret@127.0.0.1:{camera.Port}/video.mjpg?user=admin&password=s3cret";
        Assert.Null(SourceProbe.Check(new CameraSource(CameraSourceKind.Http, url), Timeout));
        var request = await camera.FirstRequestAsync();
        Assert.StartsWith($"GET /video.mjpg HTTP/1.1\r\nHost: 127.0.0.1:{camera.Port}\r\n", request, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", request, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", request, StringComparison.Ordinal);
        Assert.Null(SourceProbe.Check(new CameraSource(CameraSourceKind.File, "/nonexistent/clip.mp4"), Timeout));
    }

    [Fact]
    public void An_http_server_that_accepts_and_says_nothing_is_caught_within_the_timeout()
    {
        // What held every other camera's open for the open timeout before http:// was probed (issue 15, item 4).
        using var mute = new TcpStub(reply: null);
        var error = SourceProbe.Check(new CameraSource(CameraSourceKind.Http, $"http://user:pw@127.0.0.1:{mute.Port}/video.mjpg"), Timeout);
        Assert.Equal($"127.0.0.1:{mute.Port} accepted the connection but sent no HTTP answer within 2 s", error);
        Assert.StartsWith("cannot resolve host 'no-such-camera.invalid'",
            SourceProbe.Check(new CameraSource(CameraSourceKind.Http, "http://no-such-camera.invalid/video.mjpg"), Timeout), StringComparison.Ordinal);
        using var rtspOnHttp = new TcpStub(reply: "RTSP/1.0 400 Bad Request\r\n\r\n");
        Assert.Equal($"127.0.0.1:{rtspOnHttp.Port} accepted the connection but did not answer as an HTTP server",
            SourceProbe.Check(new CameraSource(CameraSourceKind.Http, $"http://127.0.0.1:{rtspOnHttp.Port}/"), Timeout));
    }

    [Fact]
    public async Task An_https_camera_with_a_self_signed_certificate_answers_after_the_handshake()
    {
        using var certificate = SelfSigned();
        using var camera = new TcpStub(reply: "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=x\r\n\r\n", certificate);
        Assert.Null(SourceProbe.Check(new CameraSource(CameraSourceKind.Http, $"https://admin:s3cret@127.0.0.1:{camera.Port}/mjpeg"), Timeout));
        var request = await camera.FirstRequestAsync();
        Assert.StartsWith("GET /mjpeg HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", request, StringComparison.Ordinal);

        // A plain server that never answers the TLS hello is caught within the timeout.
        using var mute = new TcpStub(reply: null);
        Assert.Equal($"127.0.0.1:{mute.Port} accepted the connection but did not complete a TLS handshake within 2 s",
            SourceProbe.Check(new CameraSource(CameraSourceKind.Http, $"https://127.0.0.1:{mute.Port}/mjpeg"), Timeout));
    }

    [Fact]
    public void Rtsps_sources_get_the_connection_and_the_tls_handshake()
    {
        using var certificate = SelfSigned();
        using var tls = new TcpStub(reply: null, certificate);
        Assert.Null(SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsps, $"rtsps://127.0.0.1:{tls.Port}/live"), Timeout));
        var port = FreePort.Next();
        Assert.StartsWith($"cannot connect to 127.0.0.1:{port}: ",
            SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsps, $"rtsps://127.0.0.1:{port}/live"), Timeout), StringComparison.Ordinal);
        using var mute = new TcpStub(reply: null);
        Assert.Equal($"127.0.0.1:{mute.Port} accepted the connection but did not complete a TLS handshake within 2 s",
            SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsps, $"rtsps://127.0.0.1:{mute.Port}/live"), Timeout));
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.10.20")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:169.254.169.254")]
    public void A_name_that_resolves_to_a_link_local_address_is_refused_before_any_connection(string address)
    {
        // The URL names an ordinary host; only the lookup shows where it points (a resolver we control: no network).
        using var listener = new TcpStub(reply: "HTTP/1.1 200 OK\r\n\r\n");
        var resolved = new[] { IPAddress.Loopback, IPAddress.Parse(address) };
        var source = new CameraSource(CameraSourceKind.Http, $"http://camera.example:{listener.Port}/video.mjpg");
        var error = SourceProbe.Check(source, Timeout, allowLinkLocal: false, resolver: (_, _) => resolved);
        Assert.Equal($"host 'camera.example' resolves to the link-local address {IPAddress.Parse(address)}, which cameras may not use "
            + "(cloud metadata services live there); set Cameras:AllowLinkLocal=true to allow it", error);

        // Allowed: the probe goes on (and reaches the loopback listener, the first address).
        Assert.Null(SourceProbe.Check(source, Timeout, allowLinkLocal: true, resolver: (_, _) => resolved));
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=camera.test", key, HashAlgorithmName.SHA256);
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so that the private key is one SslStream can use as a server on Linux.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }

    /// <summary>
    /// A TCP server on 127.0.0.1 that reads each connection's first request, records it (empty for a connection closed
    /// without a word), then answers with <c>reply</c> or stays silent, holding the connection open. With a
    /// certificate it is a TLS server (the handshake first, then the same).
    /// </summary>
    private sealed class TcpStub : IDisposable
    {
        private const string Marker = "va-test-marker";
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Task<string>> _connections = [];
        private readonly List<TcpClient> _clients = []; // held open until Dispose: cameras that answer once, then stall
        private readonly CancellationTokenSource _stop = new();
        private readonly string? _reply;
        private readonly X509Certificate2? _certificate;

        public TcpStub(string? reply, X509Certificate2? certificate = null)
        {
            _reply = reply;
            _certificate = certificate;
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        /// <summary>What the first connection sent.</summary>
        public async Task<string> FirstRequestAsync()
        {
            var connections = await Eventually.UntilAsync(() => Task.FromResult(Snapshot()), c => c.Length > 0, TimeSpan.FromSeconds(5), "a connection");
            return await connections[0].WaitAsync(TimeSpan.FromSeconds(5));
        }

        /// <summary>
        /// Connects as a client of our own and sends a marker; once the marker has arrived, every connection made before
        /// ours has been accepted (the listen queue is first come, first served). Returns what each of those sent.
        /// </summary>
        public async Task<string[]> ConnectionsBeforeOurOwnAsync()
        {
            using var own = new TcpClient();
            await own.ConnectAsync(IPAddress.Loopback, Port);
            await own.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Marker));
            var connections = await Eventually.UntilAsync(
                () => Task.FromResult(Snapshot()),
                c => c.Any(t => t.IsCompletedSuccessfully && t.Result == Marker),
                TimeSpan.FromSeconds(5),
                "our own connection to arrive");
            var before = connections.TakeWhile(t => !(t.IsCompletedSuccessfully && t.Result == Marker)).ToArray();
            return await Task.WhenAll(before).WaitAsync(TimeSpan.FromSeconds(5));
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_connections)
            {
                _clients.ForEach(c => c.Dispose());
            }

            _stop.Dispose();
        }

        private Task<string>[] Snapshot()
        {
            lock (_connections)
            {
                return [.. _connections];
            }
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                lock (_connections)
                {
                    _clients.Add(client);
                    _connections.Add(ServeAsync(client));
                }
            }
        }

        private async Task<string> ServeAsync(TcpClient client)
        {
            Stream stream = client.GetStream();
            if (_certificate is not null)
            {
                var secure = new SslStream(stream);
                try
                {
                    await secure.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                }
                catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                {
                    return string.Empty;
                }

                stream = secure;
            }

            var buffer = new byte[4096];
            var n = await stream.ReadAsync(buffer, _stop.Token);
            var text = Encoding.ASCII.GetString(buffer, 0, n);
            if (n > 0 && _reply is not null)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(_reply), _stop.Token);
            }

            return text;
        }
    }
}
