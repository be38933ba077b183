using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace VideoAnalytics.Tests.Silo.Cameras;

/// <summary>
/// A live RTSP camera on 127.0.0.1 (gst-rtsp-server via python3-gi): an endless 320x240 25 fps H.264 test pattern at
/// <c>/live</c>, shared by all clients. Tests can kill it, stall it (SIGSTOP: connections stay open, no data flows),
/// let it go on (SIGCONT) and start it again on the same port. A server that cannot start fails the test.
/// </summary>
internal sealed partial class LiveRtspServer : IDisposable
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    private const string ServerScript = """
        import sys, gi
        gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0')
        from gi.repository import Gst, GstRtspServer, GLib
        Gst.init(None)
        port = sys.argv[1]
        server = GstRtspServer.RTSPServer()
        server.set_address('127.0.0.1')
        server.set_service(port)
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch('( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=25/1 '
                           '! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate=400 '
                           '! rtph264pay name=pay0 pt=96 config-interval=1 )')
        factory.set_shared(True)
        server.get_mount_points().add_factory('/live', factory)
        if server.attach(None) == 0:
            sys.exit('cannot listen on 127.0.0.1:' + port)
        print('READY', flush=True)
        GLib.MainLoop().run()
        """;

    private readonly string _script;
    private Process? _server;

    public LiveRtspServer()
    {
        _script = Path.Combine(Path.GetTempPath(), "va-live-rtsp-" + Guid.NewGuid().ToString("N") + ".py");
        File.WriteAllText(_script, ServerScript);
        Port = FreeLoopbackPort();
        Start();
    }

    public int Port { get; }

    public string Url => $"rtsp://127.0.0.1:{Port}/live";

    /// <summary>Starts the server (again) on <see cref="Port"/>; throws when it does not come up.</summary>
    public void Start()
    {
        if (_server is { HasExited: false })
        {
            throw new InvalidOperationException("the RTSP server is already running");
        }

        _server?.Dispose();
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(Port.ToString(CultureInfo.InvariantCulture));
        var server = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3 for the RTSP server");
        _server = server;
        var stderr = server.StandardError.ReadToEndAsync();
        var ready = server.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(30)) || ready.Result != "READY")
        {
            Kill();
            throw new InvalidOperationException(
                "the live RTSP test server did not start (needs gstreamer1.0-rtsp, gir1.2-gst-rtsp-server-1.0, python3-gi, "
                + "gstreamer1.0-plugins-base/good/ugly for x264enc): " + (stderr.IsCompleted ? stderr.Result : "(no output)"));
        }
    }

    /// <summary>Kills the server: every connection drops.</summary>
    public void Kill()
    {
        if (_server is { HasExited: false } server)
        {
            server.Kill();
            server.WaitForExit(10_000);
        }
    }

    /// <summary>Freezes the server: connections stay open but no data (nor any RTSP answer) flows.</summary>
    public void Pause() => Signal(SigStop);

    public void Resume() => Signal(SigCont);

    public void Dispose()
    {
        Kill();
        _server?.Dispose();
        File.Delete(_script);
    }

    private void Signal(int signal)
    {
        if (_server is not { HasExited: false } server || SendSignal(server.Id, signal) != 0)
        {
            throw new InvalidOperationException($"could not send signal {signal} to the RTSP server");
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
