using System.Diagnostics;
using System.Text;

namespace VideoAnalytics.Tests.Support;

/// <summary>
/// What a process the tests started wrote, stdout and stderr interleaved line by line, for assertions on its log and
/// a failing test's message. Bounded, so a chatty server cannot fill the test run's memory: the start (where a server
/// says why it did not come up) and the latest lines (what a test just caused) are kept, the middle is dropped.
/// A server shared by a whole test class writes far more than the bound over a suite, so keeping only the start
/// would hide every line a later test waits for.
/// </summary>
public sealed class ProcessOutput(int limit = 100_000)
{
    private readonly StringBuilder _head = new();
    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();
    private int _tailChars;
    private long _dropped;

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
            var text = new StringBuilder(_head.Length + _tailChars + 64).Append(_head);
            if (_dropped > 0)
            {
                text.Append("… ").Append(_dropped).AppendLine(" lines left out …");
            }

            foreach (var line in _tail)
            {
                text.AppendLine(line);
            }

            return text.ToString();
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
            if (_head.Length < limit / 2)
            {
                _head.AppendLine(line);
                return;
            }

            _tail.Enqueue(line);
            _tailChars += line.Length + 1;
            while (_tailChars > limit / 2 && _tail.Count > 1)
            {
                _tailChars -= _tail.Dequeue().Length + 1;
                _dropped++;
            }
        }
    }
}
