using System.Diagnostics;
using System.Text;

namespace VideoAnalytics.Tests.Support;

/// <summary>
/// What a process the tests started wrote, stdout and stderr interleaved line by line, for a failing test's message.
/// Bounded, so a chatty server cannot fill the test run's memory; later lines are dropped, the start (where a server
/// says why it did not come up) is kept.
/// </summary>
public sealed class ProcessOutput(int limit = 100_000)
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    /// <summary>Starts reading <paramref name="process"/>'s redirected stdout and stderr into this.</summary>
    public void Capture(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_text.Length < limit)
            {
                _text.AppendLine(line);
            }
        }
    }
}
