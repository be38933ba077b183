using System.Runtime.InteropServices;
using System.Text.Json;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Processing;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Inference;

/// <summary>
/// SSD models against the reference Detect of tools/refinedet/ssd.py. The fixture (<c>python3 -m refinedet.ssd
/// golden Tests/Data</c>) is a random-weight SSD with the SSD300 prior layout exported raw and fused, a 300×300
/// frame (the network size, so no resize is involved), the raw loc/conf PyTorch computed for it, and the
/// detections the Python reference computed from those tensors (500 of them: top-k per class and keep-top-k bind).
/// </summary>
public sealed class SsdTests
{
    private static readonly Lazy<Golden> Fixture = new(Golden.Load);

    [Fact]
    public void Presets_have_the_papers_prior_counts()
    {
        Assert.Equal(8732, PriorBoxes.Create(ModelPresets.Ssd300.Priors, 300, 300).Count);
        Assert.Equal(24564, PriorBoxes.Create(ModelPresets.Ssd512.Priors, 512, 512).Count);
        Assert.Equal(ModelArch.Ssd, ModelPresets.Find("SSD512")!.Arch);
        Assert.Equal(6, ModelPresets.Ssd300.Priors.AnchorsPerLocation(1)); // 1 + √(min·max) + 2·{2,3}
        Assert.Equal(4, ModelPresets.Ssd300.Priors.AnchorsPerLocation(5));
    }

    [Fact]
    public void Decode_of_the_raw_tensors_matches_the_python_reference()
    {
        var g = Fixture.Value;
        // The SSD300 preset's priors, not the fixture's description: this also checks the preset's layout
        // against the Python one that produced the reference.
        var priors = PriorBoxes.Create(ModelPresets.Ssd300.Priors, 300, 300);
        Assert.Equal(g.Priors, priors.Count);
        var decoder = new RefineDetDecoder(priors, g.Classes, 0.1f, 0.2f, DecodeOptions.Default);
        var output = new Detection[DecodeOptions.Default.KeepTopKPerImage];
        var n = decoder.Decode(g.Loc, g.Conf, g.Width, g.Height, output);
        AssertMatches(g.Reference, output.AsSpan(0, n), scoreTolerance: 1e-6f, boxTolerance: 1e-3f);
    }

    [Fact]
    public void Raw_ssd_model_served_by_the_engine_matches_the_python_reference()
    {
        var g = Fixture.Value;
        using var detector = RefineDetDetector.Load(TestFrames.DataPath(g.Model));
        Assert.Equal(ModelArch.Ssd, detector.Model.Arch);
        Assert.Equal(ChannelOrder.Rgb, detector.Model.Input.ChannelOrder);
        Assert.Equal(g.Priors, detector.AnchorCount);
        var results = new DetectionBatch();
        detector.Detect([g.Frame], results);
        // ONNX Runtime and PyTorch convolve in different orders: scores agree to ~1e-6, boxes to ~1e-4 px.
        AssertMatches(g.Reference, results[0], scoreTolerance: 1e-5f, boxTolerance: 1e-2f);
    }

    [Fact]
    public void Steady_state_detect_on_a_raw_ssd_allocates_nothing()
    {
        var g = Fixture.Value;
        using var detector = RefineDetDetector.Load(TestFrames.DataPath(g.Model));
        var results = new DetectionBatch();
        BgrFrame[] frames = [g.Frame, g.Frame];
        Assert.Equal(0, Allocations.SteadyState(() => detector.Detect(frames, results)));
        Assert.Equal(g.Reference.Count, results[1].Length);
    }

    [Fact]
    public void Fused_ssd_model_served_by_the_engine_matches_the_python_reference()
    {
        var g = Fixture.Value;
        using var detector = RefineDetDetector.Load(TestFrames.DataPath(g.FusedModel));
        Assert.Equal(ModelArch.Ssd, detector.Model.Arch);
        Assert.Equal(OutputForm.Fused, detector.Model.OutputForm);
        var results = new DetectionBatch();
        detector.Detect([g.Frame, g.Frame], results);
        AssertMatches(g.FusedReference, results[0], scoreTolerance: 1e-5f, boxTolerance: 1e-2f);
        AssertMatches(g.FusedReference, results[1], scoreTolerance: 1e-5f, boxTolerance: 1e-2f);
    }

    [Fact]
    public void An_ssd_description_over_refinedet_outputs_names_what_it_expected()
    {
        var dir = Directory.CreateTempSubdirectory("va-ssd-").FullName;
        try
        {
            var model = Path.Combine(dir, "wrong.onnx");
            File.Copy(TestFrames.DataPath("tiny-sidecar.onnx"), model);
            var json = File.ReadAllText(TestFrames.DataPath("tiny-sidecar.json")).Replace("\"name\"", "\"arch\": \"ssd\", \"name\"", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir, "wrong.json"), json);
            var e = Assert.Throws<InvalidDataException>(() => RefineDetDetector.Load(model));
            Assert.Contains(model, e.Message, StringComparison.Ordinal);
            Assert.Contains("raw SSD model needs outputs loc, conf", e.Message, StringComparison.Ordinal);
            Assert.Contains("arm_loc", e.Message, StringComparison.Ordinal); // what it has
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void AssertMatches(IReadOnlyList<float[]> expected, ReadOnlySpan<Detection> actual, float scoreTolerance, float boxTolerance)
    {
        Assert.Equal(expected.Count, actual.Length);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.True((int)e[0] == a.ClassId, $"detection {i}: class {a.ClassId}, reference {e[0]}");
            Assert.True(Math.Abs(e[1] - a.Score) <= scoreTolerance, $"detection {i}: score {a.Score}, reference {e[1]}");
            float[] box = [a.X1, a.Y1, a.X2, a.Y2];
            for (var k = 0; k < 4; k++)
            {
                Assert.True(Math.Abs(e[2 + k] - box[k]) <= boxTolerance, $"detection {i} coordinate {k}: {box[k]}, reference {e[2 + k]}");
            }
        }
    }

    private sealed record Golden(
        string Model, string FusedModel, int Width, int Height, BgrFrame Frame, int Priors, int Classes,
        float[] Loc, float[] Conf, IReadOnlyList<float[]> Reference, IReadOnlyList<float[]> FusedReference)
    {
        public static Golden Load()
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(TestFrames.DataPath("ssd-tiny.golden.json")));
            var root = json.RootElement;
            var width = root.GetProperty("width").GetInt32();
            var height = root.GetProperty("height").GetInt32();
            return new Golden(
                root.GetProperty("model").GetString()!,
                root.GetProperty("fused_model").GetString()!,
                width,
                height,
                new BgrFrame(root.GetProperty("frame_bgr").GetBytesFromBase64(), width, height),
                root.GetProperty("priors").GetInt32(),
                root.GetProperty("classes").GetInt32(),
                Floats(root.GetProperty("loc")),
                Floats(root.GetProperty("conf")),
                Rows(root.GetProperty("reference")),
                Rows(root.GetProperty("fused_reference")));
        }

        // Little-endian float32, as numpy's "<f4" wrote them.
        private static float[] Floats(JsonElement base64) => MemoryMarshal.Cast<byte, float>(base64.GetBytesFromBase64()).ToArray();

        private static List<float[]> Rows(JsonElement rows)
        {
            var list = new List<float[]>();
            foreach (var row in rows.EnumerateArray())
            {
                var values = new float[6];
                var k = 0;
                foreach (var v in row.EnumerateArray())
                {
                    values[k++] = v.GetSingle();
                }

                list.Add(values);
            }

            return list;
        }
    }
}
