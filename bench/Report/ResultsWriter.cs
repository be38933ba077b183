using System.Globalization;
using System.Text;
using VideoAnalytics.Bench.Capture;
using VideoAnalytics.Bench.Engine;
using VideoAnalytics.Bench.Pipeline;

namespace VideoAnalytics.Bench.Report;

/// <summary>The markdown page of a run, and the summary table printed at its end (also the page's first table).</summary>
public static class ResultsWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Write(BenchReport report, IReadOnlyList<string> plots)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(plots);
        var md = new StringBuilder();
        md.AppendLine(Invariant, $"# Benchmark results {report.Date}");
        md.AppendLine();
        md.Append(Invariant, $"`make bench` on {report.Machine}. Load average (1/5/15 min) {report.LoadAtStart} at the start, {report.LoadAtEnd} at the end: ")
            .AppendLine("on a busy machine absolute numbers drop, the ratios (ours and the peer measured interleaved in the same run) hold better.");
        md.AppendLine();
        md.AppendLine(Invariant, $"Model: {report.Models}. ONNX Runtime intra-op threads: {report.Threads} everywhere (ours, the peer, the silo). Wall time of the measurements: {report.WallSeconds / 60:F1} min.");
        md.AppendLine();
        md.AppendLine("Figures are medians over repeated runs with (min–max). Ratios divide medians, oriented so that above 1 means we are faster.");
        md.AppendLine();
        foreach (var failure in report.Failures)
        {
            md.AppendLine(Invariant, $"> **Section failed** — {failure}");
            md.AppendLine();
        }

        md.AppendLine("## Summary");
        md.AppendLine();
        md.AppendLine(Summary(report));
        Capture(md, report.Capture);
        Session(md, report.Session);
        Postprocess(md, report.Postprocess);
        Engine(md, report.Engine);
        Pipeline(md, report.Pipeline, plots);
        Tracker(md, report.Tracker);
        return md.ToString();
    }

    public static string Summary(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.AppendLine("| Comparison | Ours | Peer / reference | Ratio |");
        md.AppendLine("|---|---:|---:|---|");
        foreach (var c in report.Capture)
        {
            md.AppendLine(Invariant, $"| Decode {c.Height}p, fps: VideoSource → BGR vs `ffmpeg -pix_fmt bgr24` | {c.Ours.Fps.Show()} | {c.FfmpegBgr.Fps.Show()} | {c.VersusBgr.Show()} |");
            md.AppendLine(Invariant, $"| Decode {c.Height}p, fps: VideoSource → BGR vs `ffmpeg -f null` (decode only) | {c.Ours.Fps.Show()} | {c.FfmpegDecodeOnly.Fps.Show()} | {c.VersusDecodeOnly.Show()} |");
            md.AppendLine(Invariant, $"| Decode {c.Height}p, fps: every frame, BGR 1 in 5 vs `ffmpeg -vf fps=5 -pix_fmt bgr24` | {c.Sampled.Fps.Show()} | {c.FfmpegSampled.Fps.Show()} | {c.VersusSampled.Show()} |");
        }

        foreach (var row in report.Session?.Rows ?? [])
        {
            md.AppendLine(Invariant, $"| Session run, batch {row.Batch}, ms: ORT .NET binding (SessionBinding.Run) vs onnxruntime-node | {row.OursMs.Show("F2")} | {row.NodeMs.Show("F2")} | {row.Ratio.Show()} |");
        }

        if (report.Postprocess is { } p)
        {
            md.AppendLine(Invariant, $"| Decode + NMS, frames/s: RefineDetDecoder vs torch + torchvision | {p.OursFps.Show()} | {p.PeerFps.Show()} | {p.Ratio.Show()} |");
            md.AppendLine(Invariant, $"| Decode + NMS agreement (within {p.Agreement.Tolerance:0e0}) | {p.Agreement.Ours} detections | {p.Agreement.Peer} detections | {(p.Agreement.Identical ? "identical" : "DIFFERENT")}: {p.Agreement.Mismatches} mismatches, max abs diff {p.Agreement.MaxAbsDiff:0.0e0} |");
        }

        foreach (var row in report.Engine?.Rows ?? [])
        {
            md.AppendLine(Invariant, $"| Detect, batch {row.Batch}, fps: fused model vs raw model + C# decode/NMS | {row.FusedFps.Show()} | {row.RawFps.Show()} | {row.FusedOverRaw:F2} (fused / raw) |");
        }

        foreach (var row in report.Pipeline?.Rows ?? [])
        {
            md.AppendLine(Invariant, $"| Pipeline, {row.Cameras} camera(s), fps published vs engine at batch {row.Batch} (or offered {row.OfferedFps:0}) | {row.PublishedFps.Show()} | {row.Ceiling:F1} | {row.Ratio.Show()} |");
        }

        if (report.Tracker is { } t)
        {
            md.AppendLine(Invariant, $"| Tracker, objects/s through ObjectTracker.Update (shipped model's detections, {t.DetectionsPerFrame:F1} a frame) | {t.ObjectsPerSecond.Show("F0")} | — | — |");
            md.AppendLine(Invariant, $"| Tracker + scene analyzer at {t.Cameras} cameras, µs per frame vs the silo's CPU µs per published frame | {t.TrackerMicrosPerFrame.Median + t.SceneMicrosPerFrame.Median:F1} | {t.PipelineCpuMicrosPerFrame:F0} | {t.Share:P2} of a frame's cost |");
        }

        foreach (var idle in report.Pipeline?.Idle ?? [])
        {
            md.AppendLine(Invariant, $"| {idle.Cameras} idle cameras ({idle.Kind}), CPU % of one core | {idle.CpuPercent:F1} | {idle.BaselineCpuPercent:F1} (silo, no cameras) | — |");
        }

        return md.ToString();
    }

    private static void Capture(StringBuilder md, List<CaptureResult> results)
    {
        if (results.Count == 0)
        {
            return;
        }

        md.AppendLine("## Decode: our capture path vs the ffmpeg CLI");
        md.AppendLine();
        md.Append("Clips made from models/demo.mp4 (10 s, H.264, libx264 veryfast). Ours: `VideoSource` (OpenCV's FFmpeg backend through our shim) to packed BGR, ")
            .AppendLine("from opening the file to the last frame. ffmpeg: its own `-benchmark` real time, which leaves out process start and probing. Runs interleaved round by round.");
        md.AppendLine();
        foreach (var c in results)
        {
            md.AppendLine(Invariant, $"### {c.Width}x{c.Height} ({c.Rows[0].Frames} frames, {c.Runs} runs)");
            md.AppendLine();
            md.AppendLine("| Pipeline | fps median (min–max) |");
            md.AppendLine("|---|---:|");
            foreach (var row in c.Rows)
            {
                md.AppendLine(Invariant, $"| {row.Pipeline} | {row.Fps.Show()} |");
            }

            md.AppendLine();
            md.AppendLine(Invariant, $"Ratio vs ffmpeg with the same BGR output: {c.VersusBgr.Show()}; vs ffmpeg decoding only: {c.VersusDecodeOnly.Value:F2}; a camera's case (every frame decoded, one in five converted) vs ffmpeg with `-vf fps=5`: {c.VersusSampled.Show()}.");
            md.AppendLine();
        }
    }

    private static void Session(StringBuilder md, SessionResult? s)
    {
        if (s is null)
        {
            return;
        }

        md.AppendLine("## Inference: ONNX Runtime's .NET binding vs onnxruntime-node");
        md.AppendLine();
        md.Append(Invariant, $"Raw model, same file, same input (preprocessed frames of models/demo.mp4). Native libraries: ours ONNX Runtime {s.Runtime} from the Microsoft.ML.OnnxRuntime NuGet package, the peer's from its npm package (below), so the ratio includes what the two releases differ by. ")
            .Append(Invariant, $"Both: {s.Threads} intra-op threads, 1 inter-op thread, sequential execution, all graph optimizations. Ours: Microsoft.ML.OnnxRuntime's `RunWithBinding` (`SessionBinding.Run`) over pinned input and output tensors. ")
            .AppendLine(Invariant, $"Peer: {s.Peer}, `session.run(feeds)` awaited back to back (ORT allocates its outputs). Each sample is the mean of a block of calls; blocks alternate ours/peer.");
        md.AppendLine();
        md.AppendLine("| Batch | Calls per block | Ours ms/run | onnxruntime-node ms/run | Ours frames/s | Ratio (medians) | Ratio (fastest blocks) |");
        md.AppendLine("|---:|---:|---:|---:|---:|---|---:|");
        foreach (var r in s.Rows)
        {
            md.AppendLine(Invariant, $"| {r.Batch} | {r.CallsPerBlock} | {r.OursMs.Show("F2")} | {r.NodeMs.Show("F2")} | {r.Batch * 1000 / r.OursMs.Median:F1} | {r.Ratio.Show()} | {r.FastestRatio:F2} |");
        }

        md.AppendLine();
    }

    private static void Postprocess(StringBuilder md, PostprocessResult? p)
    {
        if (p is null)
        {
            return;
        }

        md.AppendLine("## Post-processing: C# fused decode + NMS vs PyTorch/torchvision");
        md.AppendLine();
        md.Append(Invariant, $"Identical raw tensors: the raw model run by our binding on {p.Frames} frames of models/demo.mp4 ({p.Anchors} anchors, {p.Classes} classes), saved as float32 ")
            .Append(Invariant, $"with the priors. {p.CandidatesPerFrame:F0} (anchor, class) candidates per frame pass the thresholds. Ours: `RefineDetDecoder`, one thread. ")
            .Append(Invariant, $"Peer: {p.Peer}, one thread (`bench/peers/torch_postprocess_peer.py`: the project's reference decode + `torchvision.ops.batched_nms`, following the C# rules: ")
            .AppendLine("objectness > 0.01, score > 0.01, top 1000 per class, IoU 0.45 on unclipped boxes, top 500 per image, boxes clipped after NMS).");
        md.AppendLine();
        md.AppendLine("| | Ours | torch + torchvision |");
        md.AppendLine("|---|---:|---:|");
        md.AppendLine(Invariant, $"| frames/s | {p.OursFps.Show()} | {p.PeerFps.Show()} |");
        md.AppendLine(Invariant, $"| ms/frame (median) | {1000 / p.OursFps.Median:F2} | {1000 / p.PeerFps.Median:F2} |");
        md.AppendLine(Invariant, $"| detections | {p.Agreement.Ours} | {p.Agreement.Peer} |");
        md.AppendLine();
        md.Append(Invariant, $"Speed ratio: {p.Ratio.Show()}. Agreement: {p.Agreement.Matched} detections matched one to one (same frame and class, score and normalized box within {p.Agreement.Tolerance:0e0}); ")
            .AppendLine(Invariant, $"{p.Agreement.Mismatches} mismatches; max abs diff {p.Agreement.MaxAbsDiff:0.0e0} → {(p.Agreement.Identical ? "identical" : "NOT identical")}.");
        md.AppendLine();
    }

    private static void Engine(StringBuilder md, EngineResult? e)
    {
        if (e is null)
        {
            return;
        }

        md.AppendLine("## In-graph vs C# post-processing");
        md.AppendLine();
        md.Append(Invariant, $"Whole `RefineDetDetector.Detect` calls (pre-processing of {e.FrameWidth}x{e.FrameHeight} frames, session run, post-processing) with the fused model ")
            .AppendLine("(decode + ONNX NonMaxSuppression in the graph) and with the raw model + our C# decode + NMS. Blocks alternate raw/fused.");
        md.AppendLine();
        md.AppendLine("| Batch | Raw + C# frames/s | Fused frames/s | Raw ms/batch | Fused ms/batch | Fused / raw |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var r in e.Rows)
        {
            md.AppendLine(Invariant, $"| {r.Batch} | {r.RawFps.Show()} | {r.FusedFps.Show()} | {r.Batch * 1000 / r.RawFps.Median:F1} | {r.Batch * 1000 / r.FusedFps.Median:F1} | {r.FusedOverRaw:F2} |");
        }

        md.AppendLine();
    }

    private static void Tracker(StringBuilder md, TrackerResult? t)
    {
        if (t is null)
        {
            return;
        }

        md.AppendLine("## Tracker: its share of a frame at 16 cameras");
        md.AppendLine();
        md.Append(Invariant, $"{t.Cameras} cameras' trackers (`ObjectTracker.Update`, default settings) and scene analyzers (`SceneAnalyzer.Analyze`, a zone over the lower half and a line down the middle) ")
            .Append(Invariant, $"fed the shipped model's detections of {t.Frames} consecutive frames of the pipeline's clip ({t.DetectionsPerFrame:F1} detections a frame at score ≥ 0.1, as the worker hands them over), each camera from another point of the clip, played forward and back; each call timed on its own, medians over rounds. ")
            .Append(Invariant, $"Reference, in the same run: the silo with {t.Cameras} cameras (as in the pipeline section, in a child process), its CPU time per published frame = CPU % of a core / published fps ")
            .AppendLine("(CPU rather than wall time, since the silo spreads a frame over every core while the tracker runs on the inference thread alone). The share includes no allocation the worker makes around them (building the published frame).");
        md.AppendLine();
        md.AppendLine("| Objects/s through Update | Tracker µs per frame | Scene analyzer µs per frame | Silo at 16 cameras: fps published, CPU % of a core | Silo CPU µs per frame | Share |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(Invariant, $"| {t.ObjectsPerSecond.Show("F0")} | {t.TrackerMicrosPerFrame.Show("F1")} | {t.SceneMicrosPerFrame.Show("F1")} | {t.Pipeline.PublishedFps.Show()}, {t.Pipeline.CpuPercent:F0} | {t.PipelineCpuMicrosPerFrame:F0} | {t.Share:P2} |");
        md.AppendLine();
        foreach (var note in t.Notes)
        {
            md.AppendLine(Invariant, $"- {note}");
        }
    }

    private static void Pipeline(StringBuilder md, PipelineResult? p, IReadOnlyList<string> plots)
    {
        if (p is null)
        {
            return;
        }

        md.AppendLine("## Pipeline: cameras through the silo");
        md.AppendLine();
        md.Append(Invariant, $"Each camera count runs the silo (camera grains, inference grain with micro-batching up to 8, in-memory streams) in a fresh process, like the end-to-end tests. ")
            .Append(Invariant, $"Every camera reads {p.Clip} (640x360 H.264, paced at its native {p.CameraFps:0} fps, analysed at {p.CameraFps:0} fps). After every camera has published and a warm-up, ")
            .Append(Invariant, $"{p.Windows} windows of {p.WindowSeconds:0} s: frames published per second (readers on every detection stream), latency = each published frame's `LatencyMs.Total` ")
            .Append("(capture to publish). Reference: the raw engine alone (`Detect` on frames of the same clip) at the batch the camera count makes, measured in the same process just before the cameras start, or the offered rate when lower. ")
            .Append("Decoding runs on the same cores as inference, so the ratio includes the cost of capture. RSS: the silo alone (model loaded, no cameras), then with the cameras; ")
            .AppendLine("RSS per camera is the marginal cost against the one-camera run (the engine's working memory arrives with the first batch, not with each camera).");
        md.AppendLine();
        md.AppendLine("| Cameras | Offered fps | Published fps | Engine fps (batch) | Ratio | Latency p50 ms | p99 ms | Frames | RSS silo alone / with cameras MiB | RSS per camera MiB | CPU % of a core |");
        md.AppendLine("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in p.Rows)
        {
            var perCamera = r.MarginalRssPerCameraMiB(p.Rows[0]);
            md.AppendLine(Invariant,
                $"| {r.Cameras} | {r.OfferedFps:0} | {r.PublishedFps.Show()} | {r.EngineFps.Median:F1} ({r.Batch}) | {r.Ratio.Show()} | {r.LatencyP50Ms:F0} | {r.LatencyP99Ms:F0} | {r.LatencyFrames} | {r.BaselineRssMiB:F0} / {r.RssMiB:F0} | {(double.IsNaN(perCamera) ? "—" : perCamera.ToString("F2", Invariant))} | {r.CpuPercent:F0} |");
        }

        md.AppendLine();
        foreach (var plot in plots)
        {
            md.AppendLine(Invariant, $"![{Path.GetFileNameWithoutExtension(plot)}]({plot})");
        }

        md.AppendLine();
        md.AppendLine("### Idle cameras");
        md.AppendLine();
        md.AppendLine("| Kind | What \"idle\" means here | Cameras | CPU % of a core | Silo alone % | RSS per camera MiB (vs silo alone) | Camera states at the end |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var i in p.Idle)
        {
            md.AppendLine(Invariant, $"| {i.Kind} | {i.Meaning} | {i.Cameras} | {i.CpuPercent:F1} | {i.BaselineCpuPercent:F1} | {i.RssPerCameraMiB:F2} | {i.States} |");
        }

        md.AppendLine();
        foreach (var note in p.Notes)
        {
            md.AppendLine(Invariant, $"Note: {note}.");
            md.AppendLine();
        }
    }
}
