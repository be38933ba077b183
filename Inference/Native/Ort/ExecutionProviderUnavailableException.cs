namespace VideoAnalytics.Inference.Native.Ort;

/// <summary>
/// A requested execution provider (CUDA) cannot be used with the loaded ONNX Runtime, typically because its
/// provider libraries are not beside <c>libonnxruntime.so</c>. The caller decides whether to fall back to CPU.
/// </summary>
public sealed class ExecutionProviderUnavailableException : Exception
{
    public ExecutionProviderUnavailableException()
    {
    }

    public ExecutionProviderUnavailableException(string message)
        : base(message)
    {
    }

    public ExecutionProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The provider libraries ORT needs for CUDA, to be placed beside the ORT library.</summary>
    public static IReadOnlyList<string> CudaLibraries { get; } =
        ["libonnxruntime_providers_shared.so", "libonnxruntime_providers_cuda.so"];
}
