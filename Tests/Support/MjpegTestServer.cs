using System.Net;
using System.Net.Sockets;
using System.Text;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Tests.Support;

/// <summary>
/// An MJPEG camera over HTTP on 127.0.0.1 (<c>multipart/x-mixed-replace</c>, as IP cameras and ffmpeg's mpjpeg muxer
/// serve it), streaming a moving test pattern at 25 fps to every connection. It serves any number of clients, one
/// after the other or at once, as a camera does: the service probes a camera with a connection of its own before
/// the decoder connects, which a one-client server (<c>ffmpeg -listen 1</c>) would spend on the probe.
/// </summary>
public sealed class MjpegTestServer : IDisposable
{
    private const string Boundary = "vaframe";
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[][] _frames;
    private readonly string? _refuseWith;
    private int _connections;

    /// <summary>
    /// Frames of <paramref name="width"/> x <paramref name="height"/>, <paramref name="frames"/> of them in a loop; with
    /// <paramref name="refuseWith"/> (a status such as <c>404 Not Found</c>) every request gets that answer instead of a
    /// stream: a live server that the probe accepts and the decoder then fails on.
    /// </summary>
    public MjpegTestServer(int width = 320, int height = 240, int frames = 25, string? refuseWith = null)
    {
        _refuseWith = refuseWith;
        _frames = new byte[frames][];
        var layout = BgrLayout.Packed(width, height);
        var pixels = new byte[layout.RequiredBytes];
        var jpeg = new byte[layout.RequiredBytes];
        for (var i = 0; i < frames; i++)
        {
            // A bright bar moving over a gradient, so that consecutive frames differ.
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var o = (y * layout.Stride) + (x * 3);
                    var bar = Math.Abs(x - (i * width / frames)) < 12;
                    pixels[o] = (byte)(bar ? 255 : x * 255 / width);
                    pixels[o + 1] = (byte)(bar ? 255 : y * 255 / height);
                    pixels[o + 2] = (byte)(bar ? 255 : 128);
                }
            }

            if (!ImageCodec.TryEncodeJpeg(pixels, layout, 80, jpeg, out var written))
            {
                throw new InvalidOperationException("the test frame did not fit its JPEG buffer");
            }

            _frames[i] = jpeg[..written];
        }

        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far (the probe's and the decoder's).</summary>
    public int Connections => Volatile.Read(ref _connections);

    public string Url(string path = "/cam.mjpg") => $"http://127.0.0.1:{Port}{path}";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
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

            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                await ReadRequestAsync(stream);
                if (_refuseWith is not null)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {_refuseWith}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), _stop.Token);
                    return;
                }

                var header = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary={Boundary}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(header, _stop.Token);
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(40));
                for (var i = 0; ; i++)
                {
                    var frame = _frames[i % _frames.Length];
                    var part = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: {frame.Length}\r\n\r\n");
                    await stream.WriteAsync(part, _stop.Token);
                    await stream.WriteAsync(frame, _stop.Token);
                    await stream.WriteAsync("\r\n"u8.ToArray(), _stop.Token);
                    await timer.WaitForNextTickAsync(_stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client left (the probe reads a status line and goes) or the server stops.
            }
        }
    }

    // Up to the blank line that ends the request headers (or the client closing).
    private async Task ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        var seen = new StringBuilder();
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && seen.Length < 64 * 1024)
        {
            var n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0)
            {
                throw new IOException("the client closed before its request ended");
            }

            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }
}
