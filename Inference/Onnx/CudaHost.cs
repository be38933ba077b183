using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace VideoAnalytics.Inference.Onnx;

/// <summary>
/// Says why the CUDA provider cannot run here, in terms an operator can act on. ORT's own error names only the
/// first library the dynamic loader missed (and cuDNN only when the first convolution runs), so when the provider
/// fails we look for every library it needs ourselves: the NVIDIA driver, CUDA 13's runtime, cuBLAS, cuRAND, and
/// cuDNN 9 (which ORT loads lazily).
/// </summary>
internal static class CudaHost
{
    public const string ProviderName = "CUDAExecutionProvider";

    private static readonly (string Library, string What)[] Required =
    [
        ("libcuda.so.1", "the NVIDIA driver"),
        ("libcudart.so.13", "the CUDA 13 runtime"),
        ("libcublas.so.13", "CUDA 13 cuBLAS"),
        ("libcublasLt.so.13", "CUDA 13 cuBLASLt"),
        ("libcurand.so.10", "CUDA 13 cuRAND"),
        ("libcudnn.so.9", "cuDNN 9"),
    ];

    /// <summary>
    /// Whether the loaded ONNX Runtime was built with the CUDA provider (the Gpu.Linux package). This says nothing
    /// about a GPU: the GPU build lists CUDA on a machine without one.
    /// </summary>
    public static bool ProviderBuiltIn => Array.IndexOf(OrtEnv.Instance().GetAvailableProviders(), ProviderName) >= 0;

    /// <summary>The required libraries the dynamic loader cannot find, each with what it belongs to.</summary>
    public static IReadOnlyList<string> MissingLibraries()
    {
        var missing = new List<string>();
        foreach (var (library, what) in Required)
        {
            if (NativeLibrary.TryLoad(library, out var handle))
            {
                NativeLibrary.Free(handle);
            }
            else
            {
                missing.Add($"{library} ({what})");
            }
        }

        return missing;
    }

    /// <summary>The exception for a CUDA device that cannot be used, naming what is missing.</summary>
    public static ExecutionProviderUnavailableException Unavailable(ExecutionDevice device, Exception cause)
    {
        if (!ProviderBuiltIn)
        {
            return new ExecutionProviderUnavailableException(
                $"{device} requested, but this build carries the CPU-only ONNX Runtime (package Microsoft.ML.OnnxRuntime); " +
                "build the CUDA flavor with `make build ORT=cuda` (MSBuild -p:OrtFlavor=cuda)",
                cause);
        }

        var missing = MissingLibraries();
        var what = missing.Count > 0
            ? $"this host lacks {string.Join(", ", missing)}"
            : "the CUDA libraries load, but the device cannot be opened (no GPU, or not that many, or a driver older than CUDA 13 needs)";
        return new ExecutionProviderUnavailableException($"the CUDA provider cannot start on {device}: {what}. ONNX Runtime said: {cause.Message}", cause);
    }
}
