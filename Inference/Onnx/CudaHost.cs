using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace VideoAnalytics.Inference.Onnx;

/// <summary>
/// Says why the CUDA provider cannot run here, in terms an operator can act on. ORT's own error names only the
/// first library the dynamic loader missed, and cuDNN (which ORT loads lazily) possibly only when the first
/// convolution runs, long after start; so we look for every library the provider needs ourselves, before a session
/// is created: the NVIDIA driver, CUDA 13's runtime, cuBLAS, cuRAND and cuDNN 9.
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

    /// <summary>
    /// The required libraries that can be found neither on the loader's path nor beside ORT's provider library (where
    /// its <c>$ORIGIN</c> run path would find them), each with what it belongs to.
    /// </summary>
    public static IReadOnlyList<string> MissingLibraries()
    {
        string[] folders = [Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"), AppContext.BaseDirectory];
        var missing = new List<string>();
        foreach (var (library, what) in Required)
        {
            if (!CanLoad(library) && !Array.Exists(folders, folder => CanLoad(Path.Combine(folder, library))))
            {
                missing.Add($"{library} ({what})");
            }
        }

        return missing;
    }

    /// <summary>
    /// Throws when <paramref name="device"/> cannot work here for want of the CUDA build or a library, before ORT is
    /// asked: otherwise a missing cuDNN might surface only at the first batch, as a failing camera instead of a
    /// fallback at start.
    /// </summary>
    public static void EnsureUsable(ExecutionDevice device)
    {
        if (!ProviderBuiltIn)
        {
            throw Unavailable(device, cause: null);
        }

        var missing = MissingLibraries();
        if (missing.Count > 0)
        {
            throw new ExecutionProviderUnavailableException($"the CUDA provider cannot start on {device}: this host lacks {string.Join(", ", missing)}");
        }
    }

    /// <summary>The exception for a CUDA device that cannot be used, naming what is missing.</summary>
    public static ExecutionProviderUnavailableException Unavailable(ExecutionDevice device, Exception? cause)
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
        return new ExecutionProviderUnavailableException($"the CUDA provider cannot start on {device}: {what}. ONNX Runtime said: {cause?.Message}", cause);
    }

    private static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
