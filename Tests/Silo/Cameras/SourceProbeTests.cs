using System.Net;
using System.Net.Sockets;
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
    public async Task Http_sources_are_looked_up_but_not_connected_and_files_are_not_probed()
    {
        // A one-connection HTTP camera must keep its connection for the decoder.
        using var single = new TcpStub(reply: null);
        Assert.Null(SourceProbe.Check(new CameraSource(CameraSourceKind.Http, $"http://127.0.0.1:{single.Port}/video.mjpg"), Timeout));
        Assert.Empty(await single.ConnectionsBeforeOurOwnAsync()); // the probe never connected
        Assert.StartsWith("cannot resolve host 'no-such-camera.invalid'",
            SourceProbe.Check(new CameraSource(CameraSourceKind.Http, "http://no-such-camera.invalid/video.mjpg"), Timeout), StringComparison.Ordinal);
        Assert.Null(SourceProbe.Check(new CameraSource(CameraSourceKind.File, "/nonexistent/clip.mp4"), Timeout));
    }

    [Fact]
    public async Task Rtsps_sources_get_the_connection_only()
    {
        using var tls = new TcpStub(reply: null);
        Assert.Null(SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsps, $"rtsps://127.0.0.1:{tls.Port}/live"), Timeout));
        var port = FreePort.Next();
        Assert.StartsWith($"cannot connect to 127.0.0.1:{port}: ",
            SourceProbe.Check(new CameraSource(CameraSourceKind.Rtsps, $"rtsps://127.0.0.1:{port}/live"), Timeout), StringComparison.Ordinal);
        // The probe connected once and said nothing: no plain RTSP to a TLS port.
        Assert.Equal([string.Empty], await tls.ConnectionsBeforeOurOwnAsync());
    }

    /// <summary>
    /// A TCP server on 127.0.0.1 that reads each connection's first request, records it (empty for a connection closed
    /// without a word), then answers with <c>reply</c> or stays silent, holding the connection open.
    /// </summary>
    private sealed class TcpStub : IDisposable
    {
        private const string Marker = "va-test-marker";
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Task<string>> _connections = [];
        private readonly List<TcpClient> _clients = []; // held open until Dispose: cameras that answer once, then stall
        private readonly CancellationTokenSource _stop = new();
        private readonly string? _reply;

        public TcpStub(string? reply)
        {
            _reply = reply;
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
            var stream = client.GetStream();
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
