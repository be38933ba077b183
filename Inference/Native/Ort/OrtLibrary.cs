using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference.Native.Ort;

/// <summary>
/// Finds and loads ONNX Runtime's native library once per process. Order: the file named by
/// <c>VA_ORT_LIBRARY</c> (a user's own build, e.g. a GPU release with its CUDA provider libraries beside
/// it), then <c>libonnxruntime.so.1</c> in the application folder (placed there by the build), then the
/// system's library search path.
/// </summary>
internal static class OrtLibrary
{
    public const string EnvironmentVariable = "VA_ORT_LIBRARY";
    private const string FileName = "libonnxruntime.so.1";
    private static readonly Lazy<(nint Handle, string Path)> Loaded = new(Load);

    public static nint Handle => Loaded.Value.Handle;

    /// <summary>Where the library was loaded from (a path, or the bare name when the system resolved it).</summary>
    public static string LoadedFrom => Loaded.Value.Path;

    /// <summary>The folder of the loaded library, where provider libraries (CUDA) must sit.</summary>
    public static string? Directory => Path.GetDirectoryName(LoadedFrom) is { Length: > 0 } dir ? dir : null;

    private static (nint, string) Load()
    {
        var tried = new List<string>();
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // An explicit choice must not silently fall back to another build.
            if (NativeLibrary.TryLoad(configured, out var handle))
            {
                return (handle, Path.GetFullPath(configured));
            }

            throw new DllNotFoundException(
                $"{EnvironmentVariable}={configured}: cannot load ONNX Runtime from there (missing file, wrong architecture, or missing dependencies)");
        }

        var local = Path.Combine(AppContext.BaseDirectory, FileName);
        tried.Add(local);
        if (File.Exists(local) && NativeLibrary.TryLoad(local, out var appHandle))
        {
            return (appHandle, local);
        }

        tried.Add(FileName + " (system search path)");
        if (NativeLibrary.TryLoad(FileName, out var systemHandle))
        {
            return (systemHandle, FileName);
        }

        throw new DllNotFoundException(
            $"ONNX Runtime 1.30 native library not found; tried {string.Join(", ", tried)}. Run `make setup`, or set {EnvironmentVariable} to a libonnxruntime.so.");
    }
}
