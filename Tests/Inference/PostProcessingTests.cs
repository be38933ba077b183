using System.Text.Json.Nodes;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Tests.Inference;

/// <summary>
/// The <c>postprocess.*</c> keys of a model description: read with the reference defaults, validated with errors
/// naming the file and key, and obeyed by the engine (the tiny models' detections are worked out in TinyModelTests).
/// </summary>
public sealed class PostProcessingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("va-postprocess-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Absent_keys_give_the_reference_values()
    {
        var d = ModelDescriptionReader.FromSidecar(TestFrames.DataPath("tiny-sidecar.json"), "tiny-sidecar");
        var p = d.PostProcessing;
        Assert.Equal(1000, p.TopKPerClass);
        Assert.Equal(0.45f, p.NmsIouThreshold);
        Assert.Equal(0.01f, p.ConfidenceThreshold);
        Assert.Equal(0.01f, p.ObjectnessThreshold);
        Assert.Equal(500, p.KeepTopKPerImage);
        Assert.True(p.ClipBoxes);
        Assert.Equal(ModelArch.RefineDet, d.Arch);
    }

    [Fact]
    public void Every_key_is_read_from_a_sidecar_and_from_metadata()
    {
        var sidecar = Sidecar("all", new()
        {
            ["postprocess.top_k_per_class"] = 200,
            ["postprocess.nms_iou"] = 0.5,
            ["postprocess.confidence"] = 0.3,
            ["postprocess.objectness"] = 0.02,
            ["postprocess.keep_top_k"] = 100,
            ["postprocess.clip"] = false,
        });
        var fromSidecar = ModelDescriptionReader.FromSidecar(sidecar, "all").PostProcessing;
        var fromMetadata = ModelDescriptionReader.FromMetadata(
            new Dictionary<string, string>(TinyMetadata())
            {
                ["va.postprocess.top_k_per_class"] = "200",
                ["va.postprocess.nms_iou"] = "0.5",
                ["va.postprocess.confidence"] = "0.3",
                ["va.postprocess.objectness"] = "0.02",
                ["va.postprocess.keep_top_k"] = "100",
                ["va.postprocess.clip"] = "false",
            },
            "m.onnx",
            "m").PostProcessing;
        foreach (var p in new[] { fromSidecar, fromMetadata })
        {
            Assert.Equal(new DecodeOptions
            {
                TopKPerClass = 200,
                NmsIouThreshold = 0.5f,
                ConfidenceThreshold = 0.3f,
                ObjectnessThreshold = 0.02f,
                KeepTopKPerImage = 100,
                ClipBoxes = false,
            }, p);
        }
    }

    [Theory]
    [InlineData("postprocess.top_k_per_class", "0")]
    [InlineData("postprocess.top_k_per_class", "1.5")]
    [InlineData("postprocess.keep_top_k", "-3")]
    [InlineData("postprocess.nms_iou", "0")]
    [InlineData("postprocess.nms_iou", "1.2")]
    [InlineData("postprocess.confidence", "1")]
    [InlineData("postprocess.confidence", "-0.1")]
    [InlineData("postprocess.confidence", "NaN")]
    [InlineData("postprocess.objectness", "high")]
    [InlineData("postprocess.clip", "maybe")]
    public void A_bad_value_names_the_file_and_the_key(string key, string value)
    {
        var sidecar = Sidecar("bad", new() { [key] = value });
        var e = Assert.Throws<InvalidDataException>(() => ModelDescriptionReader.FromSidecar(sidecar, "bad"));
        Assert.Contains(sidecar, e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Objectness_on_an_ssd_description_is_refused_rather_than_ignored()
    {
        var sidecar = Sidecar("ssd", new() { ["arch"] = "ssd", ["postprocess.objectness"] = 0.05 });
        var e = Assert.Throws<InvalidDataException>(() => ModelDescriptionReader.FromSidecar(sidecar, "ssd"));
        Assert.Contains("'postprocess.objectness'", e.Message, StringComparison.Ordinal);
        Assert.Contains("anchor refinement", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_arch_names_the_key()
    {
        var sidecar = Sidecar("yolo", new() { ["arch"] = "yolo" });
        var e = Assert.Throws<InvalidDataException>(() => ModelDescriptionReader.FromSidecar(sidecar, "yolo"));
        Assert.Contains("'arch'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_raw_decoder_obeys_confidence_and_keep_top_k_of_the_sidecar()
    {
        // At brightness 200 the tiny model gives b 0.8, a 0.784, a 0.7 (TinyModelTests).
        using var confident = Load("confident", new() { ["postprocess.confidence"] = 0.75 });
        AssertScores(Scores(confident, 200), 0.8f, 200f / 255f);
        using var one = Load("one", new() { ["postprocess.keep_top_k"] = 1 });
        AssertScores(Scores(one, 200), 0.8f);
    }

    [Fact]
    public void The_raw_decoder_obeys_nms_iou_objectness_and_clip_of_the_sidecar()
    {
        // Anchor 7 (b 0.6) overlaps anchor 6 (b 0.8) with IoU 0.547: suppressed at 0.45, kept at 0.6.
        using var loose = Load("loose", new() { ["postprocess.nms_iou"] = 0.6 });
        AssertScores(Scores(loose, 200), 0.8f, 200f / 255f, 0.7f, 0.6f);

        // Anchor 3 (b 0.9) has objectness 0.005: dropped at 0.01, kept at 0.001 (its box is (50,0)-(100,25)).
        using var permissive = Load("permissive", new() { ["postprocess.objectness"] = 0.001 });
        var results = Detect(permissive, 200);
        Assert.Equal(0.9f, results[0].Score, 1e-5f);
        Assert.Equal((50f, 0f, 100f, 25f), (results[0].X1, results[0].Y1, results[0].X2, results[0].Y2));

        // Anchor 8's box reaches y = 1.1036 of the input: clipped to the 50 px frame by default, not with clip off.
        using var unclipped = Load("unclipped", new() { ["postprocess.clip"] = false });
        var a = Detect(unclipped, 200).Single(d => d.Score == 0.7f);
        Assert.Equal(1.10355f * 50f, a.Y2, 1e-2f);
        using var clipped = Load("clipped", []);
        Assert.Equal(50f, Detect(clipped, 200).Single(d => d.Score == 0.7f).Y2);
    }

    [Fact]
    public void A_fused_model_refuses_an_override_of_what_its_graph_fixed()
    {
        var path = TestFrames.DataPath("tiny-fused.onnx");
        foreach (var (options, key) in new (DecodeOptions, string)[]
        {
            (new DecodeOptions { NmsIouThreshold = 0.5f }, "postprocess.nms_iou"),
            (new DecodeOptions { TopKPerClass = 100 }, "postprocess.top_k_per_class"),
            (new DecodeOptions { ObjectnessThreshold = 0.05f }, "postprocess.objectness"),
            (new DecodeOptions { ConfidenceThreshold = 0.001f }, "postprocess.confidence"),
        })
        {
            var e = Assert.Throws<InvalidDataException>(() => RefineDetDetector.Load(path, new DetectorOptions { Decode = options }));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains(key, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_fused_model_applies_a_higher_confidence_and_keep_top_k_after_its_graph()
    {
        var path = TestFrames.DataPath("tiny-fused.onnx");
        // Rows per frame: a at brightness/255 and b 0.8 (TinyModelTests). At 100 the a row scores 0.39.
        using var confident = RefineDetDetector.Load(path, new DetectorOptions { Decode = new DecodeOptions { ConfidenceThreshold = 0.5f } });
        Assert.Equal(0.5f, confident.PostProcessing.ConfidenceThreshold);
        AssertScores(Scores(confident, 100), 0.8f);
        using var one = RefineDetDetector.Load(path, new DetectorOptions { Decode = new DecodeOptions { KeepTopKPerImage = 1 } });
        AssertScores(Scores(one, 250), 250f / 255f);
        using var plain = RefineDetDetector.Load(path);
        Assert.Equal(DecodeOptions.Default, plain.PostProcessing);
        AssertScores(Scores(plain, 100), 0.8f, 100f / 255f);
    }

    [Fact]
    public void Fused_rows_are_clipped_to_the_frame_unless_clip_is_off()
    {
        // A graph from elsewhere may emit boxes beyond [0,1]: one row reaching x = -0.1 and y = 1.2 of a 200x100 frame.
        float[] rows = [0, 1, 0.9f, -0.1f, 0.5f, 0.5f, 1.2f];
        BgrFrame[] frames = [TestFrames.Uniform(200, 100, 0)];
        var results = new DetectionBatch();

        results.Reset(1, 10);
        FusedOutputReader.Read(rows, frames, 2, DecodeOptions.Default, results);
        Assert.Equal((0f, 50f, 100f, 100f), (results[0][0].X1, results[0][0].Y1, results[0][0].X2, results[0][0].Y2));

        results.Reset(1, 10);
        FusedOutputReader.Read(rows, frames, 2, new DecodeOptions { ClipBoxes = false }, results);
        Assert.Equal(-20f, results[0][0].X1, 1e-4f);
        Assert.Equal(120f, results[0][0].Y2, 1e-4f);
    }

    private RefineDetDetector Load(string name, Dictionary<string, JsonNode?> extra)
    {
        var model = Path.Combine(_dir, name + ".onnx");
        File.Copy(TestFrames.DataPath("tiny-sidecar.onnx"), model);
        Sidecar(name, extra);
        return RefineDetDetector.Load(model);
    }

    private static Detection[] Detect(RefineDetDetector detector, byte brightness)
    {
        var results = new DetectionBatch();
        detector.Detect([TestFrames.Uniform(100, 50, brightness)], results);
        return results[0].ToArray();
    }

    private static float[] Scores(RefineDetDetector detector, byte brightness) => Detect(detector, brightness).Select(d => d.Score).ToArray();

    private static void AssertScores(float[] actual, params float[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }

    /// <summary>The tiny sidecar with <paramref name="extra"/> keys set; returns its path.</summary>
    private string Sidecar(string name, Dictionary<string, JsonNode?> extra)
    {
        var json = JsonNode.Parse(File.ReadAllText(TestFrames.DataPath("tiny-sidecar.json")))!.AsObject();
        foreach (var (key, value) in extra)
        {
            json[key] = value;
        }

        var path = Path.Combine(_dir, name + ".json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static Dictionary<string, string> TinyMetadata()
    {
        var json = JsonNode.Parse(File.ReadAllText(TestFrames.DataPath("tiny-sidecar.json")))!.AsObject();
        var metadata = new Dictionary<string, string>();
        foreach (var (key, value) in json)
        {
            metadata["va." + key] = value!.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        }

        return metadata;
    }
}
