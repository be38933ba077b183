using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VideoAnalytics.Bench.Measurement;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Bench.Pipeline;

/// <summary>
/// The Orleans silo (camera grains, inference grain, keeper, in-memory providers) in a process of its own, as the
/// end-to-end tests host it, so that its RSS and CPU are the pipeline's alone. Modes: <c>cameras</c> (N cameras
/// reading the clip at its native rate; frames published per window, capture-to-publish latency), <c>disabled</c>
/// (N cameras registered with Enabled = false) and <c>stalled</c> (N enabled cameras whose RTSP server accepts the
/// connection and never answers). Prints one line <c>RESULT {json}</c>.
/// </summary>
public static class PipelineChild
{
    public const string Command = "pipeline-child";
    public const string ResultPrefix = "RESULT ";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>NaN (no frames) must survive the trip to the parent.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Arguments.Parse(args);
        var mode = o.Text("mode");
        var cameras = o.Int("cameras");
        var clip = o.Text("clip");
        var settings = new Dictionary<string, string?>
        {
            ["Inference:ModelsDirectory"] = o.Text("models"),
            ["Inference:Preload:0"] = BenchModels.Name,
            ["Inference:IntraOpThreads"] = o.Text("threads"),
            ["Inference:MaxBatch"] = "8",
            ["Cameras:MediaRoots:0"] = Path.GetDirectoryName(clip),
            ["Registry:DataDirectory"] = string.Empty,
        };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Error);
        builder.AddSiloHost();
        using var host = builder.Build();
        await host.StartAsync();
        var registry = host.Services.GetRequiredService<ICameraRegistry>();
        var streams = host.Services.GetRequiredService<IDetectionStreams>();
        var statuses = host.Services.GetRequiredService<ICameraStatusBoard>();
        var keeper = host.Services.GetRequiredService<CameraKeeper>();
        await WaitAsync(() => keeper.IsReady, TimeSpan.FromSeconds(60), "the silo to become ready");

        // Baseline: the silo with its model loaded and no cameras.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var baselineCpu = await CpuPercentAsync(TimeSpan.FromSeconds(o.Double("baseline-seconds")));
        var baselineRss = RssMiB();
        var engineBatch = Math.Min(cameras, 8);
        var engineFps = mode == "cameras" ? EngineReference(o.Text("models"), clip, o.Int("threads"), engineBatch, o.Int("windows")) : [];

        using var stalled = mode == "stalled" ? new StalledSourceListener() : null;
        using var stop = new CancellationTokenSource();
        var arrivals = new ConcurrentQueue<(long Ticks, double LatencyMs)>();
        var publishing = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var readers = new List<Task>();
        for (var i = 0; i < cameras; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"cam{i:D3}");
            var spec = mode switch
            {
                "cameras" => new CameraSpec { Id = id, Url = clip, Fps = o.Double("fps") },
                "disabled" => new CameraSpec { Id = id, Url = clip, Enabled = false },
                "stalled" => new CameraSpec { Id = id, Url = string.Create(CultureInfo.InvariantCulture, $"rtsp://127.0.0.1:{stalled!.Port}/{id}") },
                _ => throw new ArgumentException($"unknown mode {mode}"),
            };
            if (!await registry.AddAsync(spec))
            {
                throw new InvalidOperationException($"camera {id} could not be added");
            }

            if (mode == "cameras")
            {
                readers.Add(ReadAsync(streams, id, arrivals, publishing, stop.Token));
            }
        }

        var windows = o.Int("windows");
        var windowSeconds = o.Double("window-seconds");
        var published = new List<double>();
        double cpu;
        if (mode == "cameras")
        {
            await WaitAsync(() => publishing.Count >= cameras, TimeSpan.FromSeconds(120), "every camera to publish");
            await Task.Delay(TimeSpan.FromSeconds(o.Double("warmup-seconds")));
            arrivals.Clear();
            var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var windowStart = Stopwatch.GetTimestamp();
            var first = windowStart;
            for (var w = 0; w < windows; w++)
            {
                await Task.Delay(TimeSpan.FromSeconds(windowSeconds));
                var end = Stopwatch.GetTimestamp();
                var count = 0;
                foreach (var a in arrivals)
                {
                    count += a.Ticks >= windowStart && a.Ticks < end ? 1 : 0;
                }

                published.Add(count / Stopwatch.GetElapsedTime(windowStart, end).TotalSeconds);
                windowStart = end;
            }

            cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds / Stopwatch.GetElapsedTime(first).TotalSeconds * 100;
        }
        else
        {
            // Idle cameras: let the keeper make its passes and every grain reach its resting state first.
            await Task.Delay(TimeSpan.FromSeconds(o.Double("warmup-seconds")));
            cpu = await CpuPercentAsync(TimeSpan.FromSeconds(windows * windowSeconds));
        }

        var latencies = arrivals.Select(a => a.LatencyMs).Order().ToArray();
        var sample = new PipelineSample
        {
            Mode = mode,
            Cameras = cameras,
            OfferedFps = mode == "cameras" ? cameras * o.Double("fps") : 0,
            PublishedFps = published,
            EngineFps = engineFps,
            EngineBatch = engineBatch,
            LatencyP50Ms = Percentile(latencies, 0.50),
            LatencyP99Ms = Percentile(latencies, 0.99),
            LatencyFrames = latencies.Length,
            BaselineRssMiB = baselineRss,
            RssMiB = RssMiB(),
            BaselineCpuPercent = baselineCpu,
            CpuPercent = cpu,
            States = await StatesAsync(statuses, registry),
        };
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        await host.StopAsync(TimeSpan.FromSeconds(10));
        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(sample, JsonOptions));
        return 0;
    }

    private static async Task ReadAsync(
        IDetectionStreams streams, string camera, ConcurrentQueue<(long, double)> arrivals, ConcurrentDictionary<string, bool> publishing, CancellationToken token)
    {
        string? after = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                // Polling the history is enough to count what was published (the Orleans stream is the gateway's business).
                var entries = await streams.ReadAsync(camera, after, 512, token);
                if (entries.Count == 0)
                {
                    await Task.Delay(PollInterval, token);
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                foreach (var entry in entries)
                {
                    arrivals.Enqueue((now, entry.Frame.LatencyMs.Total));
                }

                if (entries.Count > 0)
                {
                    publishing[camera] = true;
                    after = entries[^1].Position;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The measurement is over.
        }
    }

    /// <summary>
    /// Frames per second of the raw detector alone at <paramref name="batch"/> on frames of the clip, with the silo's
    /// thread settings, in this process and just before the cameras start: on a shared machine the load changes
    /// by the minute, so the reference is taken as close as possible to what it is compared with.
    /// </summary>
    private static List<double> EngineReference(string modelsDirectory, string clip, int threads, int batch, int blocks)
    {
        var options = new DetectorOptions { Session = new SessionSettings { IntraOpThreads = threads }, MaxBatch = 8 };
        using var detector = RefineDetDetector.Load(Path.Combine(modelsDirectory, BenchModels.Name + ".onnx"), options);
        var frames = BenchMedia.Frames(clip, batch).ConvertAll(f => new BgrFrame(f.Pixels, f.Width, f.Height)).ToArray();
        var results = new DetectionBatch();
        var run = () => detector.Detect(frames, results);
        run();
        var calls = Interleaved.CallsPerBlock(Interleaved.Time(run), blockSeconds: 1.5, min: 2);
        var fps = new List<double>(blocks);
        for (var b = 0; b < blocks; b++)
        {
            fps.Add(batch * calls / Interleaved.Block(run, calls));
        }

        return fps;
    }

    private static async Task<double> CpuPercentAsync(TimeSpan window)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalSeconds / clock.Elapsed.TotalSeconds * 100;
    }

    /// <summary>Resident set size from /proc (what the kernel charges the process), after a full collection.</summary>
    private static double RssMiB()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return double.NaN;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static async Task<string> StatesAsync(ICameraStatusBoard statuses, ICameraRegistry registry)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var spec in await registry.ListAsync())
        {
            var state = (await statuses.GetAsync(spec.Id))?.State.ToString() ?? "no status";
            counts[state] = counts.GetValueOrDefault(state) + 1;
        }

        return string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"));
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary><c>--key value</c> pairs.</summary>
    private sealed class Arguments(Dictionary<string, string> values)
    {
        public static Arguments Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                values[args[i].TrimStart('-')] = args[i + 1];
            }

            return new Arguments(values);
        }

        public string Text(string key) => values.TryGetValue(key, out var v) ? v : throw new ArgumentException($"--{key} is required");

        public int Int(string key) => int.Parse(Text(key), CultureInfo.InvariantCulture);

        public double Double(string key) => double.Parse(Text(key), CultureInfo.InvariantCulture);
    }
}
