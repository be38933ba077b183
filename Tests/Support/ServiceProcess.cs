using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace VideoAnalytics.Tests.Support;

/// <summary>
/// A real VideoAnalytics process (gateway all-in-one, or a silo) started from the test output folder on a free
/// loopback port, configured through <c>VA__</c> environment variables. Start waits for <c>/healthz</c>; a
/// process that exits or never gets ready fails the test with its output.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    // Every process still running, killed when the test run itself ends: a test that throws before it disposes its
    // services (or a fixture whose start failed half-way) must not leave them running after the run.
    private static readonly ConcurrentDictionary<Process, byte> Running = new();

    private readonly Process _process;
    private readonly ProcessOutput _output = new(200_000);

    static ServiceProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Keys)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // exited meanwhile
                }
            }
        };
    }

    private ServiceProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    public string Output => _output.ToString();

    /// <summary>
    /// Starts <c>VideoAnalytics.{assembly}.dll</c> with the given settings (keys like <c>Inference:MaxBatch</c>) and
    /// optionally further environment variables set as given (e.g. <c>OTEL_*</c>), from <paramref name="binaries"/>
    /// (default: the test output folder; another build's output, such as the CUDA flavor's).
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(
        string assembly, IReadOnlyDictionary<string, string> settings, string workingDirectory, int? port = null, bool waitReady = true,
        IReadOnlyDictionary<string, string>? environment = null, string? binaries = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var chosen = port ?? FreePort.Next();
        var dll = Path.Combine(binaries ?? AppContext.BaseDirectory, $"VideoAnalytics.{assembly}.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{chosen}"])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings)
        {
            info.Environment["VA__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        Running.TryAdd(process, 0);
        var service = new ServiceProcess(process, chosen);
        service._output.Capture(process);
        if (waitReady)
        {
            try
            {
                // An upper bound only: a gateway starts in seconds, but a fresh-clone suite on a 2-core machine at load 30-55 saw
                // starts past 60 s.
                await service.WaitReadyAsync(TimeSpan.FromSeconds(120));
            }
            catch
            {
                // The caller never gets the process to dispose: a service left running would load every later test
                // of the run (seen: three demo cameras still decoding after their tests had failed).
                await service.DisposeAsync();
                throw;
            }
        }

        return service;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"service exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await Client.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"service not ready after {timeout.TotalSeconds} s:\n{Output}");
    }

    /// <summary>Waits for the process to end by itself, its output read to the end; false when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends a POSIX signal (SIGKILL 9, SIGSTOP 19, SIGCONT 18) to the process.</summary>
    public void Signal(int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        Running.TryRemove(_process, out _);
        _process.Dispose();
    }
}
