using System.Diagnostics;
using VideoAnalytics.Inference.Evaluation;

namespace VideoAnalytics.Tests.Inference.Evaluation;

/// <summary>The check-model command prints what the engine will do with a model, and names what is wrong with a bad one.</summary>
public sealed class CheckModelCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("va-checkmodel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Reports_arch_input_channels_priors_outputs_and_postprocessing_of_an_ssd()
    {
        var (code, stdout, stderr) = Run(TestFrames.DataPath("ssd-tiny.onnx"));
        Assert.True(code == CheckModelCommand.ExitOk, stderr);
        Assert.Contains("described by: va. metadata in the model file", stdout, StringComparison.Ordinal);
        Assert.Contains("arch:         ssd", stdout, StringComparison.Ordinal);
        Assert.Contains("images Float [-1,3,300,300]; each frame resized to 300x300", stdout, StringComparison.Ordinal);
        Assert.Contains("RGB (frames are BGR: swapped before the mean), mean [123, 117, 104], std [1, 1, 1]", stdout, StringComparison.Ordinal);
        Assert.Contains("priors:       8732 from 6 layers: feature maps [38, 19, 10, 5, 3, 1]", stdout, StringComparison.Ordinal);
        Assert.Contains("outputs:      raw, scores softmax: loc Float [-1,8732,4]; conf Float [-1,8732,4]", stdout, StringComparison.Ordinal);
        Assert.Contains("postprocess:  confidence > 0.01, top-k per class 1000, NMS IoU 0.45, keep 500 per image, boxes clipped", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("objectness", stdout, StringComparison.Ordinal); // an SSD has none
        Assert.Contains("run:          one grey 300x300 frame ->", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_a_sidecar_and_its_postprocessing_for_a_refinedet()
    {
        var model = Path.Combine(_dir, "port.onnx");
        File.Copy(TestFrames.DataPath("tiny-sidecar.onnx"), model);
        var json = File.ReadAllText(TestFrames.DataPath("tiny-sidecar.json"))
            .Replace("\"input.channel_order\": \"BGR\"", "\"input.channel_order\": \"RGB\", \"postprocess.nms_iou\": 0.5, \"postprocess.objectness\": 0.02", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "port.json"), json);

        var (code, stdout, stderr) = Run(model, "--no-run");
        Assert.True(code == CheckModelCommand.ExitOk, stderr);
        Assert.Contains($"described by: sidecar {Path.Combine(_dir, "port.json")}", stdout, StringComparison.Ordinal);
        Assert.Contains("(served as 'port')", stdout, StringComparison.Ordinal);
        Assert.Contains("arch:         refinedet", stdout, StringComparison.Ordinal);
        Assert.Contains("channels:     RGB", stdout, StringComparison.Ordinal);
        Assert.Contains("priors:       12 from 1 layers", stdout, StringComparison.Ordinal);
        Assert.Contains("objectness > 0.02", stdout, StringComparison.Ordinal);
        Assert.Contains("NMS IoU 0.5,", stdout, StringComparison.Ordinal);
        Assert.Contains("arm_loc Float [-1,12,4]", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("run:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Says_what_a_fused_model_fixed_at_export()
    {
        var (code, stdout, _) = Run(TestFrames.DataPath("ssd-tiny-fused.onnx"));
        Assert.Equal(CheckModelCommand.ExitOk, code);
        Assert.Contains("outputs:      fused (decode + NMS in the graph): detections Float", stdout, StringComparison.Ordinal);
        Assert.Contains("fixed at export", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_description_exits_1_naming_the_file_and_the_key()
    {
        var model = Path.Combine(_dir, "bad.onnx");
        File.Copy(TestFrames.DataPath("tiny-sidecar.onnx"), model);
        var json = File.ReadAllText(TestFrames.DataPath("tiny-sidecar.json"))
            .Replace("\"input.channel_order\": \"BGR\"", "\"input.channel_order\": \"BGR\", \"postprocess.keep_top_k\": 0", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "bad.json"), json);

        var (code, stdout, stderr) = Run(model);
        Assert.Equal(CheckModelCommand.ExitBadModel, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains(Path.Combine(_dir, "bad.json"), stderr, StringComparison.Ordinal);
        Assert.Contains("'postprocess.keep_top_k'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_exits_1_and_a_wrong_command_line_2()
    {
        Assert.Equal(CheckModelCommand.ExitBadModel, Run(Path.Combine(_dir, "none.onnx")).Code);
        Assert.Equal(CheckModelCommand.ExitUsage, Run().Code);
        Assert.Equal(CheckModelCommand.ExitUsage, Run("a.onnx", "b.onnx").Code);
        Assert.Equal(CheckModelCommand.ExitUsage, Run("--frobnicate", "a.onnx").Code);
        var help = Run("--help");
        Assert.Equal(CheckModelCommand.ExitOk, help.Code);
        Assert.Contains("Usage: check-model", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_binary_runs_it_as_a_verb()
    {
        // The command line the guide gives: the gateway dll with check-model, exiting before any host starts.
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "VideoAnalytics.Gateway.dll"), "check-model", TestFrames.DataPath("ssd-tiny.onnx"), "--no-run"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains("priors:       8732", await stdout, StringComparison.Ordinal);
        Assert.EndsWith("ok\n", await stdout, StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CheckModelCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
