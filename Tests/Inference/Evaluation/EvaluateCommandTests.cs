using System.Text.Json;
using VideoAnalytics.Inference.Evaluation;

namespace VideoAnalytics.Tests.Inference.Evaluation;

public sealed class EvaluateCommandTests : IDisposable
{
    private const string GroundTruth = """
        {"frameIndex":0,"width":1280,"height":720,"objects":[{"classId":1,"label":"circle","box":{"x1":10,"y1":20,"x2":110,"y2":120}}]}
        {"frameIndex":1,"width":1280,"height":720,"objects":[{"classId":2,"label":"square","box":{"x1":300,"y1":300,"x2":400,"y2":400}}]}
        {"frameIndex":2,"width":1280,"height":720,"objects":[{"classId":1,"label":"circle","box":{"x1":500,"y1":500,"x2":600,"y2":600}}]}
        """;

    // Frame 2 has no detection line: skipped by default, a missed circle with --all-frames.
    private const string Detections = """
        {"cameraId":"demo","frameIndex":0,"timestamp":"2026-11-21T07:00:00Z","width":1280,"height":720,"model":"m","detections":[{"classId":1,"label":"circle","score":0.9,"box":{"x1":10,"y1":20,"x2":110,"y2":120}}],"latencyMs":{"infer":5}}
        {"cameraId":"demo","frameIndex":1,"timestamp":"2026-11-21T07:00:00Z","width":1280,"height":720,"model":"m","detections":[{"classId":2,"label":"square","score":0.8,"box":{"x1":300,"y1":300,"x2":400,"y2":400}}],"latencyMs":{"infer":5}}
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "va-eval-" + Guid.NewGuid().ToString("N"));
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public EvaluateCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        _stdout.Dispose();
        _stderr.Dispose();
    }

    [Fact]
    public void Prints_the_table_and_exits_zero()
    {
        var exit = Run("--detections", Write("det.jsonl", Detections), "--ground-truth", Write("gt.jsonl", GroundTruth));

        Assert.Equal(EvaluateCommand.ExitOk, exit);
        Assert.Equal(string.Empty, _stderr.ToString());
        var lines = _stdout.ToString().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("Frames evaluated: 2", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("class", StringComparison.Ordinal) && l.Contains("AP(VOC)", StringComparison.Ordinal));
        var circle = Assert.Single(lines, l => l.StartsWith("circle", StringComparison.Ordinal));
        Assert.Equal(["circle", "1", "1", "1", "1", "0", "1.000", "1.000", "1.000", "1.000", "1.000", "n/a", "n/a", "1.000"], Cells(circle));
        var mean = Assert.Single(lines, l => l.StartsWith("mean", StringComparison.Ordinal));
        Assert.Equal(["mean", "2", "2", "2", "0", "1.000", "1.000", "1.000", "1.000", "1.000", "n/a", "n/a", "1.000"], Cells(mean));
    }

    [Fact]
    public void Tracking_mode_prints_clear_mot_and_idf1()
    {
        const string truth = """
            {"frameIndex":0,"objects":[{"classId":1,"label":"circle","box":{"x1":10,"y1":20,"x2":110,"y2":120},"id":4}]}
            {"frameIndex":1,"objects":[{"classId":1,"label":"circle","box":{"x1":20,"y1":20,"x2":120,"y2":120},"id":4}]}
            """;
        const string tracked = """
            {"cameraId":"demo","frameIndex":0,"detections":[{"classId":1,"label":"circle","score":0.9,"box":{"x1":10,"y1":20,"x2":110,"y2":120},"trackId":1}]}
            {"cameraId":"demo","frameIndex":1,"detections":[{"classId":1,"label":"circle","score":0.9,"box":{"x1":20,"y1":20,"x2":120,"y2":120},"trackId":2}]}
            """;

        var exit = Run("--detections", Write("t.jsonl", tracked), "--ground-truth", Write("tgt.jsonl", truth), "--tracking", "--json");

        Assert.Equal(EvaluateCommand.ExitOk, exit);
        using var json = JsonDocument.Parse(_stdout.ToString());
        Assert.Equal(0.5, json.RootElement.GetProperty("mota").GetDouble(), 12); // 1 − 1 switch / 2 boxes
        Assert.Equal(1, json.RootElement.GetProperty("idSwitches").GetInt32());
        Assert.Equal(0.5, json.RootElement.GetProperty("idf1").GetDouble(), 12);
    }

    [Fact]
    public void Iou_without_tracking_is_a_usage_error()
    {
        var exit = Run("--detections", Write("det.jsonl", Detections), "--ground-truth", Write("gt.jsonl", GroundTruth), "--iou", "0.3");

        Assert.Equal(EvaluateCommand.ExitUsage, exit);
        Assert.Contains("--iou applies to --tracking only", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void All_frames_counts_the_frame_without_detections_as_a_miss()
    {
        var exit = Run("--detections", Write("det.jsonl", Detections), "--ground-truth", Write("gt.jsonl", GroundTruth), "--all-frames");

        Assert.Equal(EvaluateCommand.ExitOk, exit);
        var circle = Cells(Assert.Single(_stdout.ToString().Split('\n'), l => l.StartsWith("circle", StringComparison.Ordinal)));

        // One of two circles found at precision 1: all-point AP 0.5, GT 2.
        Assert.Equal(["circle", "1", "2", "1", "1", "0", "0.500"], circle[..7]);
    }

    [Fact]
    public void Json_output_carries_the_per_class_results()
    {
        var exit = Run("--json", "--detections", Write("det.jsonl", Detections), "--ground-truth", Write("gt.jsonl", GroundTruth), "--min-score", "0.85");

        Assert.Equal(EvaluateCommand.ExitOk, exit);
        using var json = JsonDocument.Parse(_stdout.ToString());
        var root = json.RootElement;
        Assert.Equal("OnlyDetectedFrames", root.GetProperty("frames").GetString());
        Assert.Equal(2, root.GetProperty("framesEvaluated").GetInt32());

        // The 0.8 square detection falls below --min-score: square AP 0, mean (1 + 0) / 2.
        Assert.Equal(0.5, root.GetProperty("mean").GetProperty("voc").GetDouble());
        var square = root.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("label").GetString() == "square");
        Assert.Equal(0, square.GetProperty("averagePrecision").GetProperty("voc").GetDouble());
        Assert.Equal(JsonValueKind.Null, square.GetProperty("averagePrecision").GetProperty("cocoSmall").ValueKind);
    }

    [Fact]
    public void Help_is_printed_with_exit_zero()
    {
        Assert.Equal(EvaluateCommand.ExitOk, Run("--help"));
        Assert.StartsWith("Usage: evaluate --detections FILE --ground-truth FILE", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "--detections FILE is required")]
    [InlineData(new[] { "--detections", "d.jsonl" }, "--ground-truth FILE is required")]
    [InlineData(new[] { "--detections", "d.jsonl", "--ground-truth" }, "--ground-truth needs a value")]
    [InlineData(new[] { "--detections", "d.jsonl", "--ground-truth", "g.jsonl", "--min-score", "high" }, "--min-score expects a number")]
    [InlineData(new[] { "--detections", "d.jsonl", "--ground-truth", "g.jsonl", "--frobnicate" }, "unknown option '--frobnicate'")]
    [InlineData(new[] { "--detections", "d.jsonl", "--ground-truth", "g.jsonl", "--all-frames", "--only-detected-frames" }, "contradict")]
    public void Wrong_command_line_exits_two_with_the_reason(string[] args, string reason)
    {
        Assert.Equal(EvaluateCommand.ExitUsage, Run(args));
        Assert.Contains(reason, _stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, _stdout.ToString());
    }

    [Fact]
    public void Missing_file_exits_one_naming_it()
    {
        var missing = Path.Combine(_directory, "nope.jsonl");

        var exit = Run("--detections", Write("det.jsonl", Detections), "--ground-truth", missing);

        Assert.Equal(EvaluateCommand.ExitBadInput, exit);
        Assert.Contains($"ground-truth file {missing}: not found", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_line_exits_one_naming_file_and_line()
    {
        var detections = Write("det.jsonl", Detections + "\n{\"frameIndex\": oops}\n");

        var exit = Run("--detections", detections, "--ground-truth", Write("gt.jsonl", GroundTruth));

        Assert.Equal(EvaluateCommand.ExitBadInput, exit);
        Assert.Contains($"{detections}:3: invalid JSON", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, _stdout.ToString());
    }

    [Fact]
    public void No_overlapping_frames_exits_one_instead_of_printing_an_empty_table()
    {
        var exit = Run("--detections", Write("det.jsonl", Detections), "--ground-truth", Write("gt.jsonl", GroundTruth), "--camera", "other");

        Assert.Equal(EvaluateCommand.ExitBadInput, exit);
        Assert.Contains("from camera 'other'", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Recording_with_two_cameras_needs_camera_to_pick_one()
    {
        var otherCamera = Detections.Split('\n')[0].Replace("\"demo\"", "\"yard\"", StringComparison.Ordinal);
        var detections = Write("det.jsonl", Detections + "\n" + otherCamera + "\n");
        var groundTruth = Write("gt.jsonl", GroundTruth);

        var ambiguous = Run("--detections", detections, "--ground-truth", groundTruth);
        var stderr = _stderr.ToString();
        var picked = Run("--detections", detections, "--ground-truth", groundTruth, "--camera", "yard");

        Assert.Equal(EvaluateCommand.ExitBadInput, ambiguous);
        Assert.Equal($"evaluate: {detections}: Detections have frame 0 more than once: they come from cameras 'demo' and 'yard'; choose one camera.", stderr.Split('\n')[0].TrimEnd());
        Assert.Equal(EvaluateCommand.ExitOk, picked);
        Assert.Contains("Frames evaluated: 1 ", _stdout.ToString(), StringComparison.Ordinal);
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private int Run(params string[] args) => EvaluateCommand.Run(args, _stdout, _stderr);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
