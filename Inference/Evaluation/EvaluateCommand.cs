using System.Globalization;

namespace VideoAnalytics.Inference.Evaluation;

/// <summary>
/// The <c>evaluate</c> command: scores a detection recording against ground truth and prints the table
/// (or JSON). Host-agnostic so the Silo can forward its command line and tests can call it directly.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Success: the result was printed.</summary>
    public const int ExitOk = 0;

    /// <summary>An input file is missing, unreadable or malformed; the message names the file and line.</summary>
    public const int ExitBadInput = 1;

    /// <summary>The command line is wrong; nothing was read.</summary>
    public const int ExitUsage = 2;

    public const string Usage = """
        Usage: evaluate --detections FILE --ground-truth FILE [options]

        Scores recorded detections against ground truth and prints average precision per class
        (or, with --tracking, the tracking figures).

          --detections FILE     Detections, one DetectionFrame JSON object per line, as the service
                                records them ({"cameraId":..,"frameIndex":..,"detections":[..]}).
          --ground-truth FILE   Ground truth, one frame per line ({"frameIndex":..,"objects":[..]}),
                                as described in models/README.md. Objects may carry "difficult":true;
                                those are neither required nor penalised.
          --camera ID           Use only detection lines from this camera. Needed when the recording
                                holds several cameras with overlapping frame numbers.
          --min-score S         Drop detections scoring below S before scoring (default 0: keep all).
          --only-detected-frames
                                Score only frames that have both a ground-truth line and a detection
                                line (default). Use this when the recording covers part of the video.
          --all-frames          Score every ground-truth frame; objects in frames without a detection
                                line count as missed.
          --tracking            Score tracking instead of detection: CLEAR-MOT (MOTA, MOTP, ID switches,
                                fragmentations, FP, FN) and IDF1, from the detections that carry a
                                trackId, against ground truth whose objects carry an "id".
          --iou T               Tracking: a tracked box matches a ground-truth box at IoU >= T
                                (default 0.5).
          --json                Print the result as JSON instead of a table.
          --help                Show this text.

        Frames are paired by frameIndex and classes by label (exact, case-sensitive). Detection frames
        without ground truth are ignored. Boxes are in frame pixels; IoU uses continuous coordinates.

        Metrics: AP(VOC) all-point and AP(07) 11-point at IoU 0.5 (VOC rules: a duplicate detection of an
        object is a false positive); COCO AP@[.5:.95], AP50, AP75 and APs/APm/APl by object area (up to
        32x32, 32x32-96x96, from 96x96 px), at most 100 detections per frame and class. The mean is taken
        over classes that have ground truth.

        Exit codes: 0 success, 1 unreadable or malformed input (the message names file and line),
        2 wrong command line.

        """;

    /// <param name="args">The arguments after the command name.</param>
    /// <param name="stdout">Receives the result (or the help text).</param>
    /// <param name="stderr">Receives error messages.</param>
    /// <returns><see cref="ExitOk"/>, <see cref="ExitBadInput"/> or <see cref="ExitUsage"/>.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var parsed = CommandLine.Parse(args);
        if (parsed.Error is { } usageError)
        {
            stderr.WriteLine($"evaluate: {usageError}");
            stderr.WriteLine("Run 'evaluate --help' for usage.");
            return ExitUsage;
        }

        if (parsed.Help)
        {
            stdout.Write(Usage);
            return ExitOk;
        }

        var options = new EvaluationOptions { CameraId = parsed.CameraId, MinScore = parsed.MinScore, Frames = parsed.Frames };
        EvaluationResult? result = null;
        TrackingResult? tracking = null;
        try
        {
            var groundTruth = Read(parsed.GroundTruthPath!, "ground-truth", EvaluationInputReader.ReadGroundTruth);
            if (groundTruth.Count == 0)
            {
                stderr.WriteLine($"evaluate: ground-truth file {parsed.GroundTruthPath} holds no frames.");
                return ExitBadInput;
            }

            var detections = Read(parsed.DetectionsPath!, "detections", EvaluationInputReader.ReadDetections);
            if (parsed.Tracking)
            {
                tracking = TrackingEvaluator.Evaluate(groundTruth, detections, options, parsed.Iou);
            }
            else
            {
                result = DetectionEvaluator.Evaluate(groundTruth, detections, options);
            }
        }
        catch (EvaluationInputException ex)
        {
            stderr.WriteLine($"evaluate: {ex.Message}");
            return ExitBadInput;
        }
        catch (ArgumentException ex)
        {
            // The evaluator rejects a recording with a frame index that repeats.
            stderr.WriteLine($"evaluate: {parsed.DetectionsPath}: {ex.Message}");
            if (parsed.CameraId is null)
            {
                stderr.WriteLine("evaluate: --camera ID keeps the lines of one camera only.");
            }

            return ExitBadInput;
        }

        if ((result?.FramesEvaluated ?? tracking!.FramesEvaluated) == 0)
        {
            // Almost always the wrong pair of files or the wrong --camera; an all-n/a table would hide that.
            var camera = parsed.CameraId is null ? string.Empty : $" from camera '{parsed.CameraId}'";
            stderr.WriteLine($"evaluate: no detection frame{camera} in {parsed.DetectionsPath} has a frame index that occurs in {parsed.GroundTruthPath}.");
            return ExitBadInput;
        }

        var json = result is not null ? result.ToJson() : tracking!.ToJson();
        stdout.Write(parsed.Json ? json + Environment.NewLine : result?.ToTable() ?? tracking!.ToTable());
        return ExitOk;
    }

    private static T Read<T>(string path, string role, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reason = ex is FileNotFoundException or DirectoryNotFoundException ? "not found" : ex.Message;
            throw new EvaluationInputException($"{role} file {path}: {reason}", ex);
        }
    }

    private sealed class CommandLine
    {
        public string? DetectionsPath { get; private set; }

        public string? GroundTruthPath { get; private set; }

        public string? CameraId { get; private set; }

        public double MinScore { get; private set; }

        public FrameSelection Frames { get; private set; } = FrameSelection.OnlyDetectedFrames;

        public bool Json { get; private set; }

        public bool Tracking { get; private set; }

        public double Iou { get; private set; } = 0.5;

        public bool Help { get; private set; }

        public string? Error { get; private set; }

        public static CommandLine Parse(IReadOnlyList<string> args)
        {
            var line = new CommandLine();
            string? frameFlag = null;
            for (var i = 0; i < args.Count && line.Error is null; i++)
            {
                var arg = args[i];
                string? inlineValue = null;
                var equals = arg.IndexOf('=', StringComparison.Ordinal);
                if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
                {
                    inlineValue = arg[(equals + 1)..];
                    arg = arg[..equals];
                }

                switch (arg)
                {
                    case "--help" or "-h":
                        line.Help = true;
                        return line;
                    case "--detections":
                        line.DetectionsPath = line.Value(args, ref i, arg, inlineValue);
                        break;
                    case "--ground-truth":
                        line.GroundTruthPath = line.Value(args, ref i, arg, inlineValue);
                        break;
                    case "--camera":
                        line.CameraId = line.Value(args, ref i, arg, inlineValue);
                        break;
                    case "--min-score":
                        var text = line.Value(args, ref i, arg, inlineValue);
                        if (text is not null)
                        {
                            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) && double.IsFinite(score))
                            {
                                line.MinScore = score;
                            }
                            else
                            {
                                line.Error = $"--min-score expects a number such as 0.3, not '{text}'.";
                            }
                        }

                        break;
                    case "--only-detected-frames" or "--all-frames" when inlineValue is null:
                        if (frameFlag is not null && frameFlag != arg)
                        {
                            line.Error = $"{frameFlag} and {arg} contradict each other; give one.";
                        }

                        frameFlag = arg;
                        line.Frames = arg == "--all-frames" ? FrameSelection.AllFrames : FrameSelection.OnlyDetectedFrames;
                        break;
                    case "--tracking" when inlineValue is null:
                        line.Tracking = true;
                        break;
                    case "--iou":
                        var iouText = line.Value(args, ref i, arg, inlineValue);
                        if (iouText is not null)
                        {
                            if (double.TryParse(iouText, NumberStyles.Float, CultureInfo.InvariantCulture, out var iou) && iou > 0 && iou <= 1)
                            {
                                line.Iou = iou;
                            }
                            else
                            {
                                line.Error = $"--iou expects a number in (0, 1] such as 0.5, not '{iouText}'.";
                            }
                        }

                        break;
                    case "--json" when inlineValue is null:
                        line.Json = true;
                        break;
                    default:
                        line.Error = arg.StartsWith('-') ? $"unknown option '{args[i]}'." : $"unexpected argument '{arg}'.";
                        break;
                }
            }

            if (line.Error is null)
            {
                if (!line.Tracking && line.Iou != 0.5)
                {
                    line.Error = "--iou applies to --tracking only.";
                }
                else if (line.DetectionsPath is null)
                {
                    line.Error = "--detections FILE is required.";
                }
                else if (line.GroundTruthPath is null)
                {
                    line.Error = "--ground-truth FILE is required.";
                }
            }

            return line;
        }

        private string? Value(IReadOnlyList<string> args, ref int i, string option, string? inlineValue)
        {
            if (inlineValue is not null)
            {
                if (inlineValue.Length == 0)
                {
                    Error = $"{option} needs a value.";
                    return null;
                }

                return inlineValue;
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                Error = $"{option} needs a value.";
                return null;
            }

            i++;
            return args[i];
        }
    }
}
