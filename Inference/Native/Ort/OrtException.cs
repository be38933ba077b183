namespace VideoAnalytics.Inference.Native.Ort;

/// <summary>A failing ONNX Runtime status: carries ORT's error code and message.</summary>
public sealed class OrtException : Exception
{
    public OrtException()
    {
    }

    public OrtException(string message)
        : base(message)
    {
    }

    public OrtException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OrtException(OrtErrorCode code, string message)
        : base($"ONNX Runtime error {code}: {message}")
    {
        Code = code;
        OrtMessage = message;
    }

    public OrtErrorCode Code { get; }

    /// <summary>The message exactly as ONNX Runtime reported it.</summary>
    public string OrtMessage { get; } = string.Empty;
}
