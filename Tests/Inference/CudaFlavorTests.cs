using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Tests.Gateway;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Inference;

/// <summary>
/// The CUDA flavor's gateway (built by `make test` into Gateway/bin/cuda/) on a host without CUDA: its provider
/// libraries are present, the CUDA 13 runtime, cuDNN 9 and the driver are not. With Inference:FallbackToCpu the
/// cameras run on the CPU after one log line naming what is missing; without it the service refuses to start.
/// This is what a GPU user meets on a misconfigured host.
/// </summary>
public sealed class CudaFlavorTests : IDisposable
{
    private const string FallbackLine = "Inference device cuda:0 cannot be used";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "va-cuda-flavor-" + Guid.NewGuid().ToString("N"));

    /// <summary>The CUDA flavor's gateway binaries, for the configuration the tests were built in.</summary>
    public static string Binaries
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name; // Tests/bin/<configuration>/net10.0
            var repository = output.Parent.Parent!.Parent!.Parent!.FullName;
            var binaries = Path.Combine(repository, "Gateway", "bin", "cuda", configuration, output.Name);
            Assert.True(
                File.Exists(Path.Combine(binaries, "VideoAnalytics.Gateway.dll")),
                $"the CUDA flavor is not built at {binaries}: `make test` builds it (make build-cuda)");
            return binaries;
        }
    }

    [Fact]
    public void The_cuda_flavor_carries_the_gpu_package_only()
    {
        var binaries = Binaries;
        Assert.True(File.Exists(Path.Combine(binaries, "runtimes", "linux-x64", "native", "libonnxruntime_providers_cuda.so")));
        var deps = File.ReadAllText(Path.Combine(binaries, "VideoAnalytics.Gateway.deps.json"));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux/1.31.0", deps, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Microsoft.ML.OnnxRuntime/", deps, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_cuda_runtime_the_cameras_fall_back_to_the_cpu_after_one_log_line()
    {
        var clip = GatewayFixture.Prepare(_root);
        var settings = Settings(fallback: true);
        await using var service = await ServiceProcess.StartAsync("Gateway", settings, _root, binaries: Binaries);
        using var created = await service.Client.PostAsJsonAsync("/api/cameras", new { id = "gpu", url = clip, fps = 10 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var camera = await Eventually.UntilAsync(
            () => service.Client.GetFromJsonAsync<JsonElement>("/api/cameras/gpu"),
            camera => camera.GetProperty("framesProcessed").GetInt64() > 0,
            TimeSpan.FromSeconds(60),
            $"the camera's frames are analysed (service output: {service.Output})");

        var output = service.Output;
        var missing = CudaHost.MissingLibraries();
        if (missing.Count == 0)
        {
            // A host with the driver, CUDA 13 and cuDNN 9: the device serves its cameras itself.
            Assert.Contains("Inference grain cuda:0 started on cuda:0", output, StringComparison.Ordinal);
            Assert.Equal("cuda:0", camera.GetProperty("device").GetString());
            return;
        }

        var lines = output.Split('\n').Where(l => l.Contains(FallbackLine, StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.Contains("serving its cameras on the CPU instead", line, StringComparison.Ordinal);
        foreach (var library in missing)
        {
            Assert.Contains(library, line, StringComparison.Ordinal);
        }

        Assert.Contains("Inference grain cuda:0 started on cpu", output, StringComparison.Ordinal);

        // The camera's status says which device serves it.
        Assert.Equal("cpu (fallback for cuda:0)", camera.GetProperty("device").GetString());
    }

    [Fact]
    public async Task Without_cuda_runtime_and_without_fallback_the_service_refuses_to_start()
    {
        if (CudaHost.MissingLibraries().Count == 0)
        {
            // Nothing is missing on a CUDA host, so there is nothing to refuse; the fallback test covers that host.
            return;
        }

        GatewayFixture.Prepare(_root);
        await using var service = await ServiceProcess.StartAsync("Gateway", Settings(fallback: false), _root, waitReady: false, binaries: Binaries);
        await Eventually.UntilAsync(() => service.HasExited, TimeSpan.FromSeconds(60), "the service stops at start");
        Assert.NotEqual(0, service.ExitCode);

        // The exited process's last lines may still be on their way through the pipe (a soak run read the output
        // before the refusal arrived).
        var output = await Eventually.UntilAsync(() => Task.FromResult(service.Output),
            text => text.Contains("Inference:Devices names cuda:0, which cannot be used", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the refusal in the service's output");
        Assert.Contains("libcudart.so.13 (the CUDA 13 runtime)", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // a process may still hold a file for a moment; the temp folder is cleaned by the OS eventually
        }
    }

    private Dictionary<string, string> Settings(bool fallback)
    {
        // Loopback without API keys, as a local GPU host would run it.
        var settings = GatewayFixture.Settings(_root).Where(s => !s.Key.StartsWith("Security:ApiKeys", StringComparison.Ordinal)).ToDictionary();
        settings["Inference:Devices:0"] = "cuda:0";
        settings["Inference:FallbackToCpu"] = fallback ? "true" : "false";
        return settings;
    }
}
