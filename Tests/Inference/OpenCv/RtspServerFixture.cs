using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VideoAnalytics.Tests.Inference.OpenCv;

/// <summary>
/// A real RTSP server (gst-rtsp-server through Debian's python3-gi) on 127.0.0.1 serving a 2 s 320x240 H.264 clip
/// at three mounts: <c>/any</c>, <c>/tcp-only</c> and <c>/udp-only</c> (RTP lower transports the server accepts).
/// Each client gets its own stream from the start. If the server cannot start, every test using it fails.
/// </summary>
public sealed class RtspServerFixture : IDisposable
{
    private const string ServerScript = """
        import sys, gi
        gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); gi.require_version('GstRtsp', '1.0')
        from gi.repository import Gst, GstRtspServer, GstRtsp, GLib
        Gst.init(None)
        clip, port = sys.argv[1], sys.argv[2]
        server = GstRtspServer.RTSPServer()
        server.set_address('127.0.0.1')
        server.set_service(port)
        launch = '( filesrc location="%s" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )' % clip
        both = GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP
        for path, protocols in (('/any', both), ('/tcp-only', GstRtsp.RTSPLowerTrans.TCP), ('/udp-only', GstRtsp.RTSPLowerTrans.UDP)):
            factory = GstRtspServer.RTSPMediaFactory()
            factory.set_launch(launch)
            factory.set_shared(False)
            factory.set_protocols(protocols)
            server.get_mount_points().add_factory(path, factory)
        if server.attach(None) == 0:
            sys.exit('cannot listen on 127.0.0.1:' + port)
        print('READY', flush=True)
        GLib.MainLoop().run()
        """;

    private readonly string _directory;
    private readonly Process _server;

    public RtspServerFixture()
    {
        _directory = Path.Combine(Path.GetTempPath(), "va-rtsp-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var clip = Path.Combine(_directory, "clip.mp4");
        MediaFixture.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v", "libx264",
            "-pix_fmt", "yuv420p", "-g", "25", clip);
        var script = Path.Combine(_directory, "rtsp_server.py");
        File.WriteAllText(script, ServerScript);

        Port = FreeLoopbackPort();
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(clip);
        start.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _server = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3 for the RTSP server");
        var stderr = _server.StandardError.ReadToEndAsync();
        var ready = _server.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(30)) || ready.Result != "READY")
        {
            if (!_server.HasExited)
            {
                _server.Kill();
            }

            _server.WaitForExit(10_000);
            throw new InvalidOperationException(
                "the RTSP test server did not start (needs gstreamer1.0-rtsp, gir1.2-gst-rtsp-server-1.0, python3-gi, "
                + "gstreamer1.0-plugins-good/bad): " + (stderr.IsCompleted ? stderr.Result : "(no output)"));
        }
    }

    public int Port { get; }

    public string Url(string mount) => $"rtsp://127.0.0.1:{Port}{mount}";

    public void Dispose()
    {
        if (!_server.HasExited)
        {
            _server.Kill();
        }

        _server.WaitForExit(10_000);
        _server.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Temp clean-up only.
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
