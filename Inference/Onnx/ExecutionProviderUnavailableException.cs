namespace VideoAnalytics.Inference.Onnx;

/// <summary>
/// A requested execution provider (CUDA) cannot be used here: the build carries the CPU-only ONNX Runtime, or the
/// host lacks the driver, CUDA 13 or cuDNN 9 libraries, or the GPU itself. The message names what is missing; the
/// caller decides whether to fall back to the CPU.
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

    public ExecutionProviderUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
