using Microsoft.ML.OnnxRuntime;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Onnx;

namespace VideoAnalytics.Tests.Inference;

/// <summary>Bad models and bad frames give clear exceptions that name the problem, never a crash.</summary>
public sealed class BadModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("va-badmodel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Missing_file_names_the_path()
    {
        var path = Path.Combine(_dir, "nope.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => RefineDetDetector.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_onnx_names_the_file()
    {
        var path = Path.Combine(_dir, "garbage.onnx");
        File.WriteAllText(path, "this is not a protobuf model, just text");
        var e = Assert.Throws<InvalidDataException>(() => RefineDetDetector.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.IsType<OnnxRuntimeException>(e.InnerException);
    }

    [Fact]
    public void Unexpected_outputs_are_listed_with_what_was_expected()
    {
        var path = TestFrames.DataPath("tiny-wrong-outputs.onnx");
        var e = Assert.Throws<InvalidDataException>(() => RefineDetDetector.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("arm_loc", e.Message, StringComparison.Ordinal);
        Assert.Contains("loc_a", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_without_any_description_says_how_to_add_one()
    {
        var path = Path.Combine(_dir, "bare.onnx");
        File.Copy(TestFrames.DataPath("tiny-sidecar.onnx"), path);
        var e = Assert.Throws<InvalidDataException>(() => RefineDetDetector.Load(path));
        Assert.Contains("no 'va.' metadata", e.Message, StringComparison.Ordinal);
        Assert.Contains("bare.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_sidecar_value_names_the_key_and_the_file()
    {
        var path = Path.Combine(_dir, "bad.onnx");
        File.Copy(TestFrames.DataPath("tiny-sidecar.onnx"), path);
        var json = File.ReadAllText(TestFrames.DataPath("tiny-sidecar.json")).Replace("\"width\": 16", "\"width\": \"wide\"", StringComparison.Ordinal);
        json = json.Replace("\"input.width\": 16", "\"input.width\": \"wide\"", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "bad.json"), json);
        var e = Assert.Throws<InvalidDataException>(() => RefineDetDetector.Load(path));
        Assert.Contains("input.width", e.Message, StringComparison.Ordinal);
        Assert.Contains("bad.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Frame_buffer_smaller_than_its_stated_size_is_refused()
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-raw.onnx"));
        var frame = new BgrFrame(new byte[100 * 50 * 3 - 1], 100, 50);
        var e = Assert.Throws<ArgumentException>(() => detector.Detect([frame], new DetectionBatch()));
        Assert.Contains("needs 15000", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 50)]
    [InlineData(100, 0)]
    [InlineData(-1, 10)]
    public void Zero_sized_frame_is_refused(int width, int height)
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-raw.onnx"));
        var frame = new BgrFrame(new byte[64], width, height);
        var e = Assert.Throws<ArgumentException>(() => detector.Detect([frame], new DetectionBatch()));
        Assert.Contains("must be positive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stride_smaller_than_a_row_is_refused()
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-raw.onnx"));
        var frame = new BgrFrame(new byte[100 * 50 * 3], 100, 50, stride: 200);
        Assert.Throws<ArgumentException>(() => detector.Detect([frame], new DetectionBatch()));
    }

    [Fact]
    public void Cuda_in_the_cpu_build_says_how_to_build_the_cuda_flavor()
    {
        // The tests run the default (CPU) flavor; the CUDA flavor's own fallback is CudaFlavorTests'.
        var options = new DetectorOptions { Session = new SessionSettings { Device = ExecutionDevice.Cuda(0) } };
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() => RefineDetDetector.Load(TestFrames.DataPath("tiny-raw.onnx"), options));
        Assert.Contains("cuda:0", e.Message, StringComparison.Ordinal);
        Assert.Contains("CPU-only ONNX Runtime", e.Message, StringComparison.Ordinal);
        Assert.Contains("make build ORT=cuda", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_version_is_the_pinned_package()
    {
        Assert.Equal("1.31.1", OnnxSession.RuntimeVersion);
    }
}
