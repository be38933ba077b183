using System.Diagnostics;
using System.Globalization;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.EndToEnd;

/// <summary>
/// An RTSP server on 127.0.0.1 (gst-rtsp-server via python3-gi) serving an H.264 mp4 at <c>/video</c>, paced in
/// real time. Not shared: every client gets its own session from the file's first frame, so a camera's frame
/// index equals the frame number in the file and can be matched to ground truth. Fails loudly if it can't start.
/// </summary>
public sealed class FileRtspServer : IDisposable
{
    private const string Script = """
        import sys, gi
        gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0')
        from gi.repository import Gst, GstRtspServer, GLib
        Gst.init(None)
        path, port = sys.argv[1], sys.argv[2]
        server = GstRtspServer.RTSPServer()
        server.set_address('127.0.0.1')
        server.set_service(port)
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch('( filesrc location="%s" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )' % path)
        factory.set_shared(False)
        server.get_mount_points().add_factory('/video', factory)
        if server.attach(None) == 0:
            sys.exit('cannot listen on 127.0.0.1:' + port)
        print('READY', flush=True)
        GLib.MainLoop().run()
        """;

    private readonly string _script;
    private readonly Process _server;

    public FileRtspServer(string file)
    {
        _script = Path.Combine(Path.GetTempPath(), "va-file-rtsp-" + Guid.NewGuid().ToString("N") + ".py");
        File.WriteAllText(_script, Script);
        Port = FreePort.Next();
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(file);
        start.ArgumentList.Add(Port.ToString(CultureInfo.InvariantCulture));
        _server = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3 for the RTSP server");
        var ready = _server.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(30)) || ready.Result != "READY")
        {
            var error = _server.HasExited ? _server.StandardError.ReadToEnd() : "(no answer in 30 s)";
            Dispose();
            throw new InvalidOperationException($"the RTSP test server did not start: {error}");
        }
    }

    public int Port { get; }

    public string Url => $"rtsp://127.0.0.1:{Port}/video";

    public void Dispose()
    {
        if (!_server.HasExited)
        {
            _server.Kill();
            _server.WaitForExit(10_000);
        }

        _server.Dispose();
        File.Delete(_script);
    }
}
