using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace VideoAnalytics.Tests.Support;

/// <summary>
/// A real Debian <c>mosquitto</c> (apt) on free loopback ports, with a configuration of its own in a temporary folder —
/// never the system service. Optionally it demands a user and password (a password file written by
/// <c>mosquitto_passwd</c>) and adds a TLS listener with a self-signed certificate made by <c>openssl</c> for
/// <c>localhost</c>/<c>127.0.0.1</c>. Persistence is on, saved after every change, so a restarted broker (same ports) still
/// has its retained messages and persistent sessions. If it cannot start, the test fails with mosquitto's output: a machine
/// without mosquitto must not pass the MQTT tests by skipping them.
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    private const string Executable = "/usr/sbin/mosquitto";
    private readonly ProcessOutput _output = new();
    private Process? _process;

    private MosquittoBroker(MosquittoCredentials? credentials, bool tls)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("va-mosquitto-").FullName;
        Credentials = credentials;
        Port = FreePort.Next();
        TlsPort = tls ? FreePort.Next() : null;
        try
        {
            if (tls)
            {
                CreateCertificate();
            }

            if (credentials is not null)
            {
                CreatePasswordFile(credentials);
            }

            File.WriteAllText(ConfigPath, Configuration());
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A broker taking anonymous clients on <see cref="Port"/>.</summary>
    public static MosquittoBroker Start(MosquittoCredentials? credentials = null, bool tls = false) => new(credentials, tls);

    /// <summary>Plain MQTT listener.</summary>
    public int Port { get; }

    /// <summary>TLS listener (self-signed certificate for localhost and 127.0.0.1), when asked for.</summary>
    public int? TlsPort { get; }

    /// <summary>The one user the broker accepts, when it demands credentials (anonymous clients are then refused).</summary>
    public MosquittoCredentials? Credentials { get; }

    public string Directory { get; }

    /// <summary>The self-signed certificate of the TLS listener (PEM).</summary>
    public string CertificatePath => Path.Combine(Directory, "broker.crt");

    /// <summary>A sink URL for the plain listener, with the given credentials in it (none: anonymous).</summary>
    public string Url(string? user = null, string? password = null) => Address("mqtt", "127.0.0.1", Port, user, password);

    /// <summary>A sink URL for the TLS listener on <c>localhost</c> (a name the certificate carries).</summary>
    public string TlsUrl(string? user = null, string? password = null) =>
        Address("mqtts", "localhost", TlsPort ?? throw new InvalidOperationException("this broker has no TLS listener"), user, password);

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("mosquitto is already running");
        }

        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: apt-get install mosquitto (make setup does)");
        }

        _process?.Dispose();
        var info = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(ConfigPath);
        var process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start");
        _process = process;
        _output.Capture(process);
        var clock = Stopwatch.StartNew();
        while (!Accepts(Port) || (TlsPort is { } tlsPort && !Accepts(tlsPort)))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                Kill();
                throw new InvalidOperationException($"mosquitto did not start on port {Port}:\n{Output}");
            }

            Thread.Sleep(25);
        }
    }

    /// <summary>SIGKILL, as a crashed broker: no goodbye to clients; what persistence saved survives.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            ServerProcesses.Signal(process, "-CONT"); // a frozen broker dies as well
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>SIGTERM: mosquitto saves its persistence file and closes every connection.</summary>
    public void Stop() => ServerProcesses.Terminate(_process);

    /// <summary>SIGSTOP: the broker's connections stay open (the kernel still accepts data) but nothing is answered.</summary>
    public void Freeze() => ServerProcesses.Signal(_process, "-STOP");

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => ServerProcesses.Signal(_process, "-CONT");

    /// <summary>Kills the broker and starts it again on the same ports, with what it had persisted.</summary>
    public void Restart()
    {
        Kill();
        Start();
    }

    public string Output => _output.ToString();

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        ServerProcesses.DeleteFolder(Directory);
    }

    private string ConfigPath => Path.Combine(Directory, "mosquitto.conf");

    private string Configuration()
    {
        var config = new StringBuilder();
        // Run as the test's user: as root, mosquitto would otherwise switch to the 'mosquitto' user, which cannot
        // read this folder.
        if (Environment.UserName == "root")
        {
            config.AppendLine("user root");
        }

        config.AppendLine(CultureInfo.InvariantCulture, $"listener {Port} 127.0.0.1");
        if (TlsPort is { } tlsPort)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"listener {tlsPort} 127.0.0.1");
            config.AppendLine(CultureInfo.InvariantCulture, $"certfile {CertificatePath}");
            config.AppendLine(CultureInfo.InvariantCulture, $"keyfile {Path.Combine(Directory, "broker.key")}");
        }

        config.AppendLine(Credentials is null ? "allow_anonymous true" : "allow_anonymous false");
        if (Credentials is not null)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"password_file {PasswordFilePath}");
        }

        // Saved after every change (not only at shutdown, mosquitto's default), so a SIGKILL loses as little as a crash would.
        config.AppendLine("persistence true");
        config.AppendLine(CultureInfo.InvariantCulture, $"persistence_location {Directory}/");
        config.AppendLine("autosave_on_changes true");
        config.AppendLine("autosave_interval 1");
        config.AppendLine("log_dest stderr");
        config.AppendLine("log_type error");
        config.AppendLine("log_type warning");
        config.AppendLine("log_type notice");
        config.AppendLine("log_type information");
        config.AppendLine("connection_messages true");
        return config.ToString();
    }

    private string PasswordFilePath => Path.Combine(Directory, "passwords");

    private void CreatePasswordFile(MosquittoCredentials credentials)
    {
        File.WriteAllText(PasswordFilePath, string.Empty);
        // -b: password on the command line (a test secret); mosquitto_passwd writes its salted PBKDF2 hash.
        Run("/usr/bin/mosquitto_passwd", "-b", PasswordFilePath, credentials.User, credentials.Password);
    }

    private void CreateCertificate()
    {
        // An EC key is generated in milliseconds (RSA takes a noticeable fraction of a second on a loaded machine).
        Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", Path.Combine(Directory, "broker.key"), "-out", CertificatePath, "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {stdout.Result}{stderr}");
        }
    }

    private static string Address(string scheme, string host, int port, string? user, string? password)
    {
        var userInfo = user is null
            ? string.Empty
            : Uri.EscapeDataString(user) + (password is null ? string.Empty : ":" + Uri.EscapeDataString(password)) + "@";
        return string.Create(CultureInfo.InvariantCulture, $"{scheme}://{userInfo}{host}:{port}");
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

}

/// <summary>The user a <see cref="MosquittoBroker"/> accepts.</summary>
public sealed record MosquittoCredentials(string User, string Password);
