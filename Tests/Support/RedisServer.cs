using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace VideoAnalytics.Tests.Support;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port in its own temporary folder, without persistence unless asked
/// (persistent: an append-only file, so a restart keeps the data, as a production Redis would).
/// It can be restarted on the same port. If it cannot start, the test fails with redis-server's output: a machine
/// without Redis must not pass the cluster tests by skipping them.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly bool _persistent;
    private readonly ProcessOutput _output = new();
    private Process? _process;

    public RedisServer()
        : this(persistent: false)
    {
    }

    private RedisServer(bool persistent)
    {
        _persistent = persistent;
        Directory = System.IO.Directory.CreateTempSubdirectory("va-redis-").FullName;
        Port = FreePort.Next();
        Start();
    }

    /// <summary>A server whose data survive a restart (append-only file, fsync on every write).</summary>
    public static RedisServer StartPersistent() => new(persistent: true);

    public int Port { get; }

    public string Directory { get; }

    /// <summary>The <c>Cluster:Redis</c> connection string.</summary>
    public string Connection => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public void Start()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("redis-server is already running");
        }

        _process?.Dispose();
        var info = new ProcessStartInfo("redis-server")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory,
            "--save", string.Empty, "--appendonly", _persistent ? "yes" : "no", "--appendfsync", "always",
        })
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server): " + e.Message, e);
        }

        _process = process;
        _output.Capture(process);
        var clock = Stopwatch.StartNew();
        while (!Pings())
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                Stop();
                throw new InvalidOperationException($"redis-server did not start on port {Port}:\n{Output}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Stops redis-server (SIGTERM: with persistence it writes its data first) and waits for it to exit.</summary>
    public void Stop() => ServerProcesses.Terminate(_process);

    public string Output => _output.ToString();

    public void Dispose()
    {
        Stop();
        _process?.Dispose();
        ServerProcesses.DeleteFolder(Directory);
    }

    private bool Pings()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var n = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
