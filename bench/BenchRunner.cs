using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using VideoAnalytics.Bench.Capture;
using VideoAnalytics.Bench.Engine;
using VideoAnalytics.Bench.Pipeline;
using VideoAnalytics.Bench.Report;

namespace VideoAnalytics.Bench;

/// <summary>
/// <c>make bench</c>: measures the project against its peers on this machine in one run and writes
/// bench/results/&lt;date&gt;.md (+ .json and PNG plots), then prints the summary table. Sections: decode (vs the
/// ffmpeg CLI), session runs (vs onnxruntime-node), post-processing (vs PyTorch/torchvision), fused vs raw model,
/// and the camera pipeline. Options: <c>--quick</c> (fewer rounds, for trying the harness), <c>--only a,b</c>
/// (sections: decode, session, postprocess, engine, pipeline, tracker), <c>--micro</c> (the BenchmarkDotNet micro-suites
/// instead). Sized to finish well within 15 minutes on 2 cores; never part of <c>make test</c>.
/// </summary>
public static class BenchRunner
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == PipelineChild.Command)
        {
            return await PipelineChild.RunAsync(args[1..]);
        }

        if (args.Contains("--micro"))
        {
            return RunMicroSuites();
        }

        var quick = args.Contains("--quick");
        var only = Option(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool Wanted(string section) => only is null || only.Contains(section, StringComparer.OrdinalIgnoreCase);

        var clock = Stopwatch.StartNew();
        var models = BenchModels.Locate();
        var threads = Environment.ProcessorCount;
        var rounds = quick ? 3 : 7;
        var block = quick ? 0.3 : 0.6;
        var report = new BenchReport
        {
            Date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Machine = Machine(),
            LoadAtStart = LoadAverage(),
            Models = models.Description,
            Threads = threads,
        };
        Console.WriteLine($"bench: {report.Machine}; load {report.LoadAtStart}; models: {models.Description}");

        Section(report, "decode", Wanted("decode"), () =>
        {
            foreach (var clip in new[] { BenchMedia.Clip720p, BenchMedia.Clip1080p })
            {
                var result = CaptureBenchmark.Measure(clip, quick ? 3 : 5);
                report.Capture.Add(result);
                Console.WriteLine($"bench: decode {result.Height}p: ours {result.Ours.Fps.Show()} fps, ffmpeg bgr24 {result.FfmpegBgr.Fps.Show()} fps; 1 in 5 to BGR: ours {result.Sampled.Fps.Show()} fps, ffmpeg fps=5 {result.FfmpegSampled.Fps.Show()} fps");
            }
        });
        Section(report, "session", Wanted("session"), () => report.Session = SessionPeerBenchmark.Measure(models, threads, rounds, block));
        Section(report, "postprocess", Wanted("postprocess"), () =>
        {
            report.Postprocess = PostprocessPeerBenchmark.Measure(models, frames: 32, rounds);
            Console.WriteLine($"bench: post-processing: ours {report.Postprocess.OursFps.Show()} frames/s, torch {report.Postprocess.PeerFps.Show()} frames/s");
        });
        Section(report, "engine", Wanted("engine"), () => report.Engine = EngineBenchmark.Measure(models, threads, rounds, block));
        Section(report, "pipeline", Wanted("pipeline"), () => report.Pipeline = PipelineBenchmark.Measure(models, threads, windows: quick ? 2 : 3, windowSeconds: quick ? 3 : 5));
        Section(report, "tracker", Wanted("tracker"), () =>
        {
            var t = report.Tracker = TrackerBenchmark.Measure(models, threads, rounds, windows: quick ? 2 : 3, windowSeconds: quick ? 3 : 5);
            Console.WriteLine($"bench: tracker: {t.ObjectsPerSecond.Show("F0")} objects/s through ObjectTracker.Update; tracker {t.TrackerMicrosPerFrame.Show("F1")} µs + scene {t.SceneMicrosPerFrame.Show("F1")} µs per frame vs the silo's {t.PipelineCpuMicrosPerFrame:F0} CPU µs per published frame at {t.Cameras} cameras: share {t.Share:P2}");
        });

        report.LoadAtEnd = LoadAverage();
        report.WallSeconds = clock.Elapsed.TotalSeconds;
        Directory.CreateDirectory(BenchPaths.Results);
        var stem = Path.Combine(BenchPaths.Results, report.Date);
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(report, Json));
        var plots = report.Pipeline is null ? [] : Plot(stem + ".json", report.Date, report.Failures);
        var markdown = ResultsWriter.Write(report, plots);
        await File.WriteAllTextAsync(stem + ".md", markdown);

        Console.WriteLine();
        Console.WriteLine(ResultsWriter.Summary(report));
        Console.WriteLine($"bench: results written to {stem}.md ({string.Join(", ", plots.Prepend(Path.GetFileName(stem) + ".json"))}) in {report.WallSeconds / 60:F1} min");
        return report.Failures.Count == 0 ? 0 : 1;
    }

    /// <summary>Runs one section; a failure is recorded and reported, and the other sections still run.</summary>
    private static void Section(BenchReport report, string name, bool wanted, Action run)
    {
        if (!wanted)
        {
            return;
        }

        Console.WriteLine($"bench: --- {name} ---");
        try
        {
            run();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            report.Failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            Console.Error.WriteLine($"bench: section {name} failed: {e}");
        }
    }

    /// <summary>PNG plots by bench/plot_results.py (matplotlib, installed by `make bench-setup`); returns their file names.</summary>
    private static string[] Plot(string json, string date, List<string> failures)
    {
        try
        {
            var output = BenchMedia.Run("/usr/bin/python3", [Path.Combine(BenchPaths.Root, "bench", "plot_results.py"), json, BenchPaths.Results, date]);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (InvalidOperationException e)
        {
            failures.Add("plots: " + e.Message);
            return [];
        }
    }

    private static int RunMicroSuites()
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithMinIterationCount(5).WithMaxIterationCount(9).WithId("short"))
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "va-bench-artifacts"));
        Type[] suites = File.Exists(BenchPaths.Model("refinedet-lite-320.onnx"))
            ? [typeof(DecodeBenchmarks), typeof(PreprocessBenchmarks), typeof(SessionBenchmarks)]
            : [typeof(DecodeBenchmarks), typeof(PreprocessBenchmarks)]; // the session suite runs the shipped model only
        BenchmarkRunner.Run(suites, config);
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} logical cores ({cpu ?? "unknown CPU"}), {memory:F0} GiB, {Environment.OSVersion}, .NET {Environment.Version}");
    }

    /// <summary>1, 5 and 15 minute load averages: how busy the machine was besides the bench.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "unknown";
}
