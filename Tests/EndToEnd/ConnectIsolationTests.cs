using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Tests.Models;
using VideoAnalytics.Tests.Support;
using Xunit.Abstractions;

namespace VideoAnalytics.Tests.EndToEnd;

/// <summary>
/// Issue 15, item 4: OpenCV 4.6 opens one FFmpeg source at a time per process, so cameras whose server accepts the
/// connection and never answers must not reach that open, or every other camera on the silo waits behind them.
/// </summary>
[Collection(SoloTestGroup.Name)]
public sealed class ConnectIsolationTests(ITestOutputHelper output) : IDisposable
{
    // Long enough that being queued behind a single hung open is far outside the margin below.
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(12);

    // For a loaded 2-core machine: a second camera may take this much longer to start than the first did.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(4);

    private readonly string _data = Directory.CreateTempSubdirectory("va-isolation-e2e-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Six_hung_http_cameras_do_not_hold_up_a_file_camera_and_show_why_they_wait()
    {
        using var hung = new SilentListener();
        await using var silo = await SiloHostFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:ModelsDirectory"] = ShippedModel.RepoFile("models"),
            ["Inference:IntraOpThreads"] = "1",
            ["Cameras:MediaRoots:0"] = ShippedModel.RepoFile("models"),
            ["Cameras:OpenTimeout"] = OpenTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Cameras:ReconnectInitialDelay"] = "00:00:00.200",
            ["Cameras:ReconnectMaxDelay"] = "00:00:01",
            ["Registry:DataDirectory"] = _data,
        });
        var demo = ShippedModel.RepoFile("models/demo.mp4");

        // The same kind of camera without the hung ones, in this process and on this machine's load: the yardstick.
        var alone = await TimeToStreamingAsync(silo, new CameraSpec { Id = "alone", Url = demo, Fps = 1 });

        for (var i = 0; i < 6; i++)
        {
            await silo.Registry.AddAsync(new CameraSpec { Id = $"hung{i}", Url = $"http://viewer:s3cret@127.0.0.1:{hung.Port}/video{i}.mjpg", Fps = 1 });
        }

        // Some hung camera is connected to the listener: before the probe it would now hold OpenCV's open.
        await Eventually.UntilAsync(() => hung.Accepted > 0, TimeSpan.FromSeconds(30), "a hung camera connects");
        var beside = await TimeToStreamingAsync(silo, new CameraSpec { Id = "beside", Url = demo, Fps = 1 });
        output.WriteLine($"file camera alone {alone.TotalSeconds:0.00} s, beside six hung ones {beside.TotalSeconds:0.00} s (open timeout {OpenTimeout.TotalSeconds:0} s)");
        Assert.True(beside < alone + Margin,
            $"the file camera took {beside.TotalSeconds:0.0} s to stream beside six hung cameras, {alone.TotalSeconds:0.0} s alone: "
            + $"it waited behind their opens ({OpenTimeout.TotalSeconds:0} s each)");

        // Each hung camera says why it waits, naming where it connected, never its credentials.
        var expected = $"127.0.0.1:{hung.Port} accepted the connection but sent no HTTP answer within {OpenTimeout.TotalSeconds:0} s";
        foreach (var id in Enumerable.Range(0, 6).Select(i => $"hung{i}"))
        {
            var status = await Eventually.UntilAsync(
                () => silo.Statuses.GetAsync(id),
                s => s?.LastError is not null,
                OpenTimeout * 4,
                $"camera {id} reports why it does not stream");
            Assert.True(status!.State is CameraState.Reconnecting or CameraState.Failed, $"{id}: {status.State}");
            Assert.Equal(expected, status.LastError);
            Assert.DoesNotContain("s3cret", status.LastError, StringComparison.Ordinal);
            Assert.DoesNotContain("viewer", status.LastError, StringComparison.Ordinal);
        }
    }

    private static async Task<TimeSpan> TimeToStreamingAsync(SiloHostFixture silo, CameraSpec spec)
    {
        var started = Stopwatch.StartNew();
        await silo.Registry.AddAsync(spec);
        await Eventually.UntilAsync(
            () => silo.Statuses.GetAsync(spec.Id),
            s => s?.State == CameraState.Streaming,
            TimeSpan.FromSeconds(120),
            $"camera {spec.Id} streams");
        return started.Elapsed;
    }

    /// <summary>A TCP listener on 127.0.0.1 that accepts every connection and never sends a byte: a hung camera server.</summary>
    private sealed class SilentListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _held = [];
        private readonly CancellationTokenSource _stop = new();
        private int _accepted;

        public SilentListener()
        {
            _listener.Start(backlog: 64);
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _accepted);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_held)
            {
                _held.ForEach(c => c.Dispose());
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                try
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_held)
                    {
                        _held.Add(client);
                    }

                    Interlocked.Increment(ref _accepted);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }
}
