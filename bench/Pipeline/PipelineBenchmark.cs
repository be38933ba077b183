using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VideoAnalytics.Bench.Measurement;

namespace VideoAnalytics.Bench.Pipeline;

/// <summary>
/// N cameras through the whole silo: frames published per second (median, min, max over windows) against the raw
/// engine's frames per second at the batch N cameras make (min(N, 8); measured in the same child process just
/// before the cameras start), or against what the cameras offer when that is less; capture-to-publish latency; RSS (the silo alone, and with the cameras); CPU of the process. The marginal
/// RSS per camera compares with the one-camera run, so that the engine's working memory (allocated once, with the
/// first batch) is not charged to the cameras.
/// </summary>
public sealed record PipelineRow(
    int Cameras, int Batch, double OfferedFps, Spread PublishedFps, Spread EngineFps, double LatencyP50Ms, double LatencyP99Ms, int LatencyFrames,
    double BaselineRssMiB, double RssMiB, double CpuPercent)
{
    public const double Goal = 0.90;

    /// <summary>What the pipeline could at best publish: the engine's throughput, or the offered rate when lower.</summary>
    public double Ceiling => Math.Min(OfferedFps, EngineFps.Median);

    public Ratio Ratio => new(Ceiling > 0 ? PublishedFps.Median / Ceiling : double.NaN, Goal);

    /// <summary>Extra RSS per extra camera relative to <paramref name="one"/> (the one-camera run); NaN for that run itself.</summary>
    public double MarginalRssPerCameraMiB(PipelineRow one) =>
        one is null || Cameras <= one.Cameras ? double.NaN : (RssMiB - one.RssMiB) / (Cameras - one.Cameras);
}

/// <summary>Registered cameras that do no work: CPU of the process with them and without, RSS per camera.</summary>
public sealed record IdleRow(string Kind, string Meaning, int Cameras, double BaselineCpuPercent, double CpuPercent, double RssPerCameraMiB, string States);

/// <summary>What <see cref="PipelineBenchmark"/> measured.</summary>
public sealed record PipelineResult(
    string Clip, double CameraFps, int Threads, int Windows, double WindowSeconds, IReadOnlyList<PipelineRow> Rows, IReadOnlyList<IdleRow> Idle, IReadOnlyList<string> Notes);

/// <summary>Runs <see cref="PipelineChild"/> once per camera count and once per idle kind, each in a fresh process.</summary>
public static class PipelineBenchmark
{
    public static readonly int[] CameraCounts = [1, 2, 4, 8, 16];
    private const int IdleCameras = 100;

    /// <summary>The clip every camera reads, at its native rate: file cameras are paced to it, as a live camera would be.</summary>
    public const double CameraFps = 25;

    public static PipelineResult Measure(BenchModels models, int threads, int windows, double windowSeconds)
    {
        ArgumentNullException.ThrowIfNull(models);
        var clip = BenchMedia.Camera360p;
        var common = Common(models, threads, windows, windowSeconds, clip);
        var rows = new List<PipelineRow>();
        var notes = new List<string>();
        foreach (var cameras in CameraCounts)
        {
            var row = MeasureCameras(models, threads, cameras, windows, windowSeconds, notes);
            rows.Add(row);
            Console.WriteLine($"bench: pipeline {cameras} cameras: {row.PublishedFps.Show()} fps published, engine {row.EngineFps.Median:F1} fps, p50 {row.LatencyP50Ms:F0} ms, p99 {row.LatencyP99Ms:F0} ms");
        }

        var idle = new List<IdleRow>();
        foreach (var (kind, meaning) in new[]
        {
            ("disabled", "registered with Enabled = false: the keeper activates no grain for them"),
            ("stalled", "enabled, RTSP URL of a server that accepts the connection and never answers: grains sit in open timeouts and back-off"),
        })
        {
            var sample = RunChild([.. common, "--mode", kind, "--cameras", Text(IdleCameras), "--warmup-seconds", "6"], notes);
            idle.Add(new IdleRow(kind, meaning, IdleCameras, sample.BaselineCpuPercent, sample.CpuPercent, (sample.RssMiB - sample.BaselineRssMiB) / IdleCameras, sample.States));
            Console.WriteLine($"bench: {IdleCameras} {kind} cameras: CPU {sample.CpuPercent:F1} % of a core (silo alone {sample.BaselineCpuPercent:F1} %), states {sample.States}");
        }

        return new PipelineResult(Path.GetFileName(clip), CameraFps, threads, windows, windowSeconds, rows, idle, notes);
    }

    /// <summary>One camera count through the silo in a child process of its own (a row of <see cref="Measure"/>).</summary>
    public static PipelineRow MeasureCameras(BenchModels models, int threads, int cameras, int windows, double windowSeconds, List<string> notes)
    {
        ArgumentNullException.ThrowIfNull(models);
        var common = Common(models, threads, windows, windowSeconds, BenchMedia.Camera360p);
        var sample = RunChild([.. common, "--mode", "cameras", "--cameras", Text(cameras), "--warmup-seconds", "3"], notes);
        return new PipelineRow(
            cameras, sample.EngineBatch, sample.OfferedFps, Spread.Of(sample.PublishedFps), Spread.Of(sample.EngineFps), sample.LatencyP50Ms, sample.LatencyP99Ms, sample.LatencyFrames,
            sample.BaselineRssMiB, sample.RssMiB, sample.CpuPercent);
    }

    private static List<string> Common(BenchModels models, int threads, int windows, double windowSeconds, string clip) =>
    [
        "--models", models.Directory, "--clip", clip, "--threads", Text(threads), "--fps", Text(CameraFps),
        "--windows", Text(windows), "--window-seconds", Text(windowSeconds), "--baseline-seconds", "2",
    ];

    private static PipelineSample RunChild(IReadOnlyList<string> arguments, List<string> notes)
    {
        // The bench's own executable again: the apphost when there is one, else `dotnet <dll>`.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell the bench's own executable");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(PipelineBenchmark).Assembly.Location);
        }

        start.ArgumentList.Add(PipelineChild.Command);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("the pipeline child could not be started");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the pipeline child ({string.Join(' ', arguments)}) ran over 4 minutes");
        }

        var lines = stdout.Result.Split('\n');
        var result = Array.Find(lines, l => l.StartsWith(PipelineChild.ResultPrefix, StringComparison.Ordinal));
        if (result is null)
        {
            throw new InvalidOperationException($"the pipeline child failed ({process.ExitCode}): {stdout.Result}\n{stderr.Result}");
        }

        if (process.ExitCode != 0)
        {
            // It measured and reported, then failed on the way out: keep the figures, say what happened.
            notes.Add($"the child `{string.Join(' ', arguments.Where(a => !a.Contains('/', StringComparison.Ordinal)))}` exited with code {process.ExitCode} after reporting its figures");
        }

        return JsonSerializer.Deserialize<PipelineSample>(result[PipelineChild.ResultPrefix.Length..], PipelineChild.JsonOptions)
            ?? throw new InvalidDataException("empty pipeline result");
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
