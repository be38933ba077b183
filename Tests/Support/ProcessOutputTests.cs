using System.Diagnostics;

namespace VideoAnalytics.Tests.Support;

/// <summary>The tests' capture of a server's output keeps its start and its latest lines whatever it wrote between.</summary>
public sealed class ProcessOutputTests
{
    [Fact]
    public async Task A_long_output_keeps_its_first_and_last_lines_and_says_what_it_left_out()
    {
        var output = new ProcessOutput(limit: 10_000);
        using var process = Process.Start(new ProcessStartInfo("seq", "1 100000")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        output.Capture(process);
        await process.WaitForExitAsync();
        process.WaitForExit(); // the parameterless wait also drains the asynchronous readers

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1", lines[0]);
        Assert.Equal("100000", lines[^1]);
        Assert.Contains(lines, l => l.EndsWith("lines left out …", StringComparison.Ordinal));
        Assert.InRange(output.ToString().Length, 9_000, 11_000);
    }
}
