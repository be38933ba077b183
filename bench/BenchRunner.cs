using System.Globalization;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using VideoAnalytics.Bench.Engine;

namespace VideoAnalytics.Bench;

/// <summary>
/// Runs the benchmark suites and writes bench/results/&lt;date&gt;.md. Suites run in-process with a short job
/// (3 warm-ups, 5–9 measured iterations): the whole bench must fit in minutes on 2 cores.
/// </summary>
public static class BenchRunner
{
    public static int Run(string[] args)
    {
        var filter = args.Length > 0 ? args[0] : string.Empty;
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithMinIterationCount(5).WithMaxIterationCount(9).WithId("short"))
            .AddExporter(MarkdownExporter.GitHub)
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "va-bench-artifacts"));

        var suites = new List<Type> { typeof(DecodeBenchmarks), typeof(PreprocessBenchmarks) };
        if (File.Exists(BenchPaths.Model("refinedet-lite-320.onnx")))
        {
            suites.Add(typeof(SessionBenchmarks));
        }
        else
        {
            Console.WriteLine("bench: models/refinedet-lite-320.onnx missing, skipping the session suite");
        }

        var summaries = new List<Summary>();
        foreach (var suite in suites)
        {
            if (suite.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            {
                summaries.Add(BenchmarkRunner.Run(suite, config));
            }
        }

        WriteResults(summaries);
        return 0;
    }

    private static void WriteResults(List<Summary> summaries)
    {
        Directory.CreateDirectory(BenchPaths.Results);
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var path = Path.Combine(BenchPaths.Results, $"{date}.md");
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark results {date}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}.");
        text.AppendLine();
        foreach (var summary in summaries)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"## {summary.Title}");
            text.AppendLine();
            var logger = new BenchmarkDotNet.Loggers.AccumulationLogger();
            MarkdownExporter.GitHub.ExportToLog(summary, logger);
            text.AppendLine(logger.GetLog());
        }

        File.WriteAllText(path, text.ToString());
        Console.WriteLine($"bench: results written to {path}");
    }
}
