using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace VideoAnalytics.Bench.Measurement;

/// <summary>
/// A peer program (Node, Python) driven over a line protocol: one JSON request per line on its stdin, one JSON
/// answer per line on its stdout. The peer stays up for the whole comparison, so its start-up and model loading
/// are never timed and its runs can be interleaved with ours. Its stderr is kept for error messages.
/// </summary>
public sealed class PeerProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly StringBuilder _stderr = new();

    private PeerProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>The peer's first line (it loads its model, then says it is ready and what it runs on).</summary>
    public JsonElement Hello { get; private set; }

    public static PeerProcess Start(string name, string file, IEnumerable<string> arguments, TimeSpan startTimeout, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = BenchPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name}: {file} could not be started");
        var peer = new PeerProcess(process, name);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (peer._stderr)
                {
                    peer._stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        try
        {
            peer.Hello = peer.ReadAnswer(startTimeout);
        }
        catch
        {
            peer.Dispose();
            throw;
        }

        return peer;
    }

    /// <summary>Sends <paramref name="request"/> and waits for the answer; an answer with an "error" member throws.</summary>
    public JsonElement Request(object request, TimeSpan timeout)
    {
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(request));
        _process.StandardInput.Flush();
        return ReadAnswer(timeout);
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close(); // the peers exit at end of input
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private JsonElement ReadAnswer(TimeSpan timeout)
    {
        var read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(timeout))
        {
            throw new TimeoutException($"{_name}: no answer within {timeout.TotalSeconds:0} s. stderr: {Stderr()}");
        }

        var line = read.Result ?? throw new InvalidOperationException($"{_name} exited (code {(_process.WaitForExit(2000) ? _process.ExitCode : -1)}). stderr: {Stderr()}");
        JsonElement answer;
        try
        {
            using var document = JsonDocument.Parse(line);
            answer = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{_name}: not a JSON answer: {line}. stderr: {Stderr()}", e);
        }

        if (answer.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{_name}: {error.GetString()}. stderr: {Stderr()}");
        }

        return answer;
    }

    private string Stderr()
    {
        lock (_stderr)
        {
            var text = _stderr.ToString().Trim();
            return text.Length == 0 ? "(empty)" : text[Math.Max(0, text.Length - 2000)..];
        }
    }
}
