using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace VideoAnalytics.Tests.Support;

/// <summary>One path of an <see cref="RtspTestServer"/>: a GStreamer launch line ending in an RTP payloader named pay0.</summary>
/// <param name="Path">The mount, e.g. <c>/live</c>.</param>
/// <param name="Launch">The media pipeline, in gst-launch syntax, in parentheses.</param>
/// <param name="Transports">RTP lower transports the server accepts: <c>tcp</c>, <c>udp</c> or <c>any</c>.</param>
/// <remarks>Each client gets its own stream from the start (so a file's frame numbers match its ground truth). Never
/// shared: Debian 12's gst-rtsp-server 1.22 aborts now and then (<c>gst_rtsp_media_get_rates: assertion failed</c>)
/// when several clients set up one shared media at once, as a cluster test's cameras do; the server was gone and
/// every camera refused (seen once in about twenty suite runs, reproduced with four concurrent clients).</remarks>
public sealed record RtspMount(string Path, string Launch, string Transports = "any")
{
    /// <summary>An endless live 320x240 25 fps H.264 test pattern.</summary>
    public static RtspMount LiveTestPattern(string path = "/live") => new(path,
        "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=25/1 "
        + "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate=400 "
        + "! rtph264pay name=pay0 pt=96 config-interval=1 )");

    /// <summary>An H.264 mp4 paced in real time, from its first frame for every client.</summary>
    public static RtspMount Mp4File(string path, string file, string transports = "any") => new(path,
        $"( filesrc location=\"{file}\" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )",
        transports);
}

/// <summary>A user and password an <see cref="RtspTestServer"/> demands (RTSP Basic authentication).</summary>
public sealed record RtspCredentials(string User, string Password);

/// <summary>
/// A real RTSP server on 127.0.0.1 (gst-rtsp-server through Debian's python3-gi) serving the given mounts. Tests can
/// kill it, stall it (SIGSTOP: connections stay open, no data nor RTSP answer flows), let it go on (SIGCONT) and
/// start it again on the same port. A server that cannot start fails the test with the server's own error.
/// </summary>
public sealed partial class RtspTestServer : IDisposable
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    // The mounts arrive as JSON in argv[2] so one script serves every test.
    private const string ServerScript = """
        import json, sys, gi
        gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); gi.require_version('GstRtsp', '1.0')
        from gi.repository import Gst, GstRtspServer, GstRtsp, GLib
        Gst.init(None)
        port, mounts = sys.argv[1], json.loads(sys.argv[2])
        credentials = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
        transports = {'tcp': GstRtsp.RTSPLowerTrans.TCP, 'udp': GstRtsp.RTSPLowerTrans.UDP,
                      'any': GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP}
        server = GstRtspServer.RTSPServer()
        server.set_address('127.0.0.1')
        server.set_service(port)
        if credentials:
            auth = GstRtspServer.RTSPAuth()
            token = GstRtspServer.RTSPToken()
            token.set_string('media.factory.role', 'camera')
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(credentials['User'], credentials['Password']), token)
            server.set_auth(auth)
        for m in mounts:
            factory = GstRtspServer.RTSPMediaFactory()
            factory.set_launch(m['Launch'])
            factory.set_protocols(transports[m['Transports']])
            if credentials:
                permissions = GstRtspServer.RTSPPermissions()
                permissions.add_permission_for_role('camera', 'media.factory.access', True)
                permissions.add_permission_for_role('camera', 'media.factory.construct', True)
                factory.set_permissions(permissions)
            server.get_mount_points().add_factory(m['Path'], factory)
        if server.attach(None) == 0:
            sys.exit('cannot listen on 127.0.0.1:' + port)
        print('READY', flush=True)
        GLib.MainLoop().run()
        """;

    private readonly string _script;
    private readonly string _mounts;
    private readonly string _firstMount;
    private Process? _server;
    private Task<string>? _stderr;

    public RtspTestServer(params RtspMount[] mounts)
        : this(null, mounts)
    {
    }

    /// <summary>A server that answers 401 to any client without <paramref name="credentials"/>.</summary>
    public RtspTestServer(RtspCredentials? credentials, params RtspMount[] mounts)
    {
        Credentials = credentials;
        if (mounts.Length == 0)
        {
            throw new ArgumentException("at least one mount", nameof(mounts));
        }

        _mounts = JsonSerializer.Serialize(mounts);
        _firstMount = mounts[0].Path;
        _script = Path.Combine(Path.GetTempPath(), "va-rtsp-" + Guid.NewGuid().ToString("N") + ".py");
        File.WriteAllText(_script, ServerScript);
        Port = FreePort.Next();
        try
        {
            Start();
        }
        catch
        {
            File.Delete(_script);
            throw;
        }
    }

    public int Port { get; }

    /// <summary>What the server demands from the next <see cref="Start"/> on (null: nothing); to rotate a password,
    /// <see cref="Kill"/>, set it, <see cref="Start"/>.</summary>
    public RtspCredentials? Credentials { get; set; }

    /// <summary>The URL of the first mount.</summary>
    public string Url => UrlOf(_firstMount);

    public string UrlOf(string mount) => $"rtsp://127.0.0.1:{Port}{mount}";

    /// <summary>Starts the server (again) on <see cref="Port"/>; throws when it does not come up within 30 s.</summary>
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
        start.ArgumentList.Add(_mounts);
        if (Credentials is not null)
        {
            start.ArgumentList.Add(JsonSerializer.Serialize(Credentials));
        }
        var server = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3 for the RTSP server");
        _server = server;
        var stderr = _stderr = server.StandardError.ReadToEndAsync();
        var ready = server.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(30)) || ready.Result != "READY")
        {
            Kill();
            throw new InvalidOperationException(
                "the RTSP test server did not start (needs gstreamer1.0-rtsp, gir1.2-gst-rtsp-server-1.0, python3-gi, "
                + "gstreamer1.0-plugins-base/good/bad/ugly): " + (stderr.IsCompleted ? stderr.Result : "(no output)"));
        }
    }

    /// <summary>Whether the server runs, or how it ended and what it printed: for failure messages.</summary>
    public string Describe() => _server switch
    {
        null => $"RTSP test server on port {Port}: not started",
        { HasExited: false } running => $"RTSP test server on port {Port}: running (pid {running.Id})",
        var ended => $"RTSP test server on port {Port}: exited with code {ended.ExitCode}: "
            + (_stderr is { IsCompleted: true } stderr ? stderr.Result[Math.Max(0, stderr.Result.Length - 2000)..] : "(no output yet)"),
    };

    /// <summary>Kills the server: every connection drops.</summary>
    public void Kill()
    {
        if (_server is { HasExited: false } server)
        {
            server.Kill();
            server.WaitForExit(10_000);
        }
    }

    /// <summary>Freezes the server: connections stay open but nothing flows.</summary>
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

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
