using System.Diagnostics;
using System.Globalization;

namespace VideoAnalytics.Tests.Support;

/// <summary>What the tests' server fixtures (<see cref="RedisServer"/>, <see cref="MosquittoBroker"/>) do alike to the
/// server processes they start: signal them, stop them gracefully, clean up their scratch folders.</summary>
internal static class ServerProcesses
{
    /// <summary>Sends <paramref name="signal"/> (<c>-STOP</c>, <c>-TERM</c>, …) to a running process; nothing otherwise.</summary>
    public static void Signal(Process? process, string signal)
    {
        if (process is { HasExited: false })
        {
            using var kill = Process.Start("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    /// <summary>SIGTERM (servers save their data and close connections on it), then SIGKILL if it is still there after 10 s.</summary>
    public static void Terminate(Process? process)
    {
        Signal(process, "-TERM");
        if (process is { HasExited: false } && !process.WaitForExit(10_000))
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>Deletes a fixture's scratch folder, best effort.</summary>
    public static void DeleteFolder(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // temp clean-up only
        }
    }
}
