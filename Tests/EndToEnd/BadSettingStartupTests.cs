using System.Text.RegularExpressions;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.EndToEnd;

/// <summary>
/// A bad setting stops either executable at start with exit code 1 and one line naming the key: no unhandled
/// exception (SIGABRT, 134) and no stack trace.
/// </summary>
public sealed partial class BadSettingStartupTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "va-bad-setting-" + Guid.NewGuid().ToString("N"));

    public BadSettingStartupTests() => Directory.CreateDirectory(Path.Combine(_root, "models"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("Gateway", "Inference:MaxBatch", "0", "MaxBatch")]
    [InlineData("Silo", "Inference:MaxBatch", "0", "MaxBatch")]
    [InlineData("Gateway", "Live:MaxFps", "0", "MaxFps")]
    [InlineData("Silo", "Inference:MaxBatch", "many", "Inference:MaxBatch")]
    public async Task A_bad_setting_exits_1_with_one_line_naming_the_key(string executable, string key, string value, string named)
    {
        var settings = new Dictionary<string, string>
        {
            ["Inference:ModelsDirectory"] = Path.Combine(_root, "models"),
            ["Registry:DataDirectory"] = Path.Combine(_root, "data"),
            ["Demo:Enabled"] = "false",
            [key] = value,
        };
        await using var service = await ServiceProcess.StartAsync(executable, settings, _root, waitReady: false);
        Assert.True(await service.WaitForExitAsync(TimeSpan.FromSeconds(90)), $"{executable} still runs with {key}={value}:\n{service.Output}");

        var output = service.Output;
        Assert.True(service.ExitCode == 1, $"exit code {service.ExitCode}:\n{output}");
        var naming = output.Split('\n').Where(l => l.Contains(named, StringComparison.Ordinal)).ToList();
        Assert.True(naming.Count == 1, $"{naming.Count} lines name {named}:\n{output}");
        Assert.Contains("bad setting", naming[0], StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), output);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?m)^\s+at \S+\(")]
    private static partial Regex StackFrame();
}
