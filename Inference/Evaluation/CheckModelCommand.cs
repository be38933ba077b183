using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Inference.Evaluation;

/// <summary>
/// The <c>check-model</c> command: loads a model with its description exactly as a camera would (same loader, same
/// validation), runs it once on a grey frame, and prints what the engine will do with it: arch, outputs, input size,
/// channel order, mean/std, priors, post-processing. Meant to be run before a camera uses a model trained elsewhere.
/// Host-agnostic like <see cref="EvaluateCommand"/>, so a host can forward its command line and tests call it.
/// </summary>
public static class CheckModelCommand
{
    public const int ExitOk = 0;

    /// <summary>The model or its description does not load; the message names the file and what was expected.</summary>
    public const int ExitBadModel = 1;

    public const int ExitUsage = 2;

    public const string Usage = """
        Usage: check-model MODEL.onnx [--no-run]

        Loads MODEL.onnx and its description (the file's va. metadata, else the sidecar MODEL.json beside it)
        the way the service does, runs it once on a grey frame of the input size, and prints what the engine will
        do: arch, raw or fused outputs, input size, channel order, mean and std, priors, post-processing.

          --no-run   Load and describe only; do not run the model.
          --help     Show this text.

        Exit codes: 0 the model loads (and ran), 1 it does not (the message names the file and the problem),
        2 wrong command line.

        """;

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        string? path = null;
        var run = true;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--help" or "-h":
                    stdout.Write(Usage);
                    return ExitOk;
                case "--no-run":
                    run = false;
                    break;
                case var option when option.StartsWith('-'):
                    return UsageError(stderr, $"unknown option '{option}'");
                default:
                    if (path is not null)
                    {
                        return UsageError(stderr, "one model file at a time");
                    }

                    path = arg;
                    break;
            }
        }

        if (path is null)
        {
            return UsageError(stderr, "no model file given");
        }

        try
        {
            using var detector = RefineDetDetector.Load(path, new DetectorOptions { MaxBatch = 1 });
            stdout.Write(Describe(detector));
            if (run)
            {
                var input = detector.Model.Input;
                var pixels = new byte[input.Width * input.Height * 3];
                Array.Fill(pixels, (byte)128);
                var results = new DetectionBatch();
                detector.Detect([new BgrFrame(pixels, input.Width, input.Height)], results);
                stdout.WriteLine($"run:          one grey {input.Width}x{input.Height} frame -> {results[0].Length} detections (the outputs bind and decode)");
            }

            stdout.WriteLine("ok");
            return ExitOk;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OnnxRuntimeException or ExecutionProviderUnavailableException or ArgumentException)
        {
            stderr.WriteLine($"check-model: {e.Message}");
            return ExitBadModel;
        }
    }

    /// <summary>The report printed for a loaded model (also what a test reads).</summary>
    public static string Describe(RefineDetDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        var m = detector.Model;
        var p = detector.PostProcessing;
        var text = new StringBuilder();
        void Line(string key, string value) => text.Append(CultureInfo.InvariantCulture, $"{(key.Length == 0 ? string.Empty : key + ":"),-14}{value}\n");

        Line("model", $"{detector.ModelPath} (served as '{Path.GetFileNameWithoutExtension(detector.ModelPath)}')");
        Line("described by", detector.DescriptionSource);
        Line("arch", m.Arch == ModelArch.Ssd
            ? "ssd: loc + conf, one-step decode against the priors"
            : "refinedet: ARM + ODM, negative-anchor filtering, two-step (cascaded) decode");
        Line("input", $"{Join(detector.Inputs)}; each frame resized to {m.Input.Width}x{m.Input.Height} (squashed, bilinear)");
        Line("channels", $"{(m.Input.ChannelOrder == ChannelOrder.Rgb ? "RGB (frames are BGR: swapped before the mean)" : "BGR (as decoded)")}, "
            + $"mean [{Join(m.Input.Mean)}], std [{Join(m.Input.Std)}] in that order, 0-255 scale");
        Line("labels", $"{m.ClassCount - 1} classes + background: {string.Join(", ", m.Labels)}");
        var priors = m.Priors;
        Line("priors", $"{detector.AnchorCount} from {priors.FeatureMaps.Count} layers: feature maps [{Join(priors.FeatureMaps)}], "
            + $"steps [{Join(priors.Steps)}], min sizes [{Join(priors.MinSizes)}], max sizes [{Join(priors.MaxSizes)}], "
            + $"aspect ratios [{string.Join(", ", priors.AspectRatios.Select(r => "[" + Join(r) + "]"))}], "
            + $"variance [{Format(priors.CenterVariance)}, {Format(priors.SizeVariance)}], clip {(priors.Clip ? "true" : "false")}");
        if (m.OutputForm == OutputForm.Raw)
        {
            Line("outputs", $"raw, scores {(m.ScoresAreLogits ? "logits (softmax applied by the engine)" : "softmax")}: {Join(detector.Outputs)}");
        }
        else
        {
            Line("outputs", $"fused (decode + NMS in the graph): {Join(detector.Outputs)}");
        }

        var objectness = m.Arch == ModelArch.RefineDet ? $"objectness > {Format(p.ObjectnessThreshold)}, " : string.Empty;
        Line("postprocess", $"confidence > {Format(p.ConfidenceThreshold)}, {objectness}top-k per class {p.TopKPerClass}, "
            + $"NMS IoU {Format(p.NmsIouThreshold)}, keep {p.KeepTopKPerImage} per image, boxes {(p.ClipBoxes ? "clipped to the frame" : "not clipped")}");
        if (m.OutputForm == OutputForm.Fused)
        {
            Line(string.Empty, $"(fused: top-k per class, {(m.Arch == ModelArch.RefineDet ? "objectness, " : string.Empty)}NMS and the graph's own score floor were fixed at export; "
                + "the engine applies confidence, keep and clipping after the graph)");
        }

        Line("device", detector.Device.ToString());
        return text.ToString();
    }

    private static int UsageError(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"check-model: {problem}");
        stderr.WriteLine("Run 'check-model --help' for usage.");
        return ExitUsage;
    }

    private static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Join(IEnumerable<float> values) => string.Join(", ", values.Select(Format));

    private static string Join(IEnumerable<int> values) => string.Join(", ", values);

    private static string Join(IEnumerable<TensorInfo> tensors) => string.Join("; ", tensors);
}
