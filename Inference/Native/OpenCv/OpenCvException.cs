namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>A failing status from the OpenCV shim, with the shim's message for the failing call.</summary>
public sealed class OpenCvException : Exception
{
    public OpenCvException()
        : this(OpenCvStatus.Internal, "OpenCV shim call failed")
    {
    }

    public OpenCvException(string message)
        : this(OpenCvStatus.Internal, message)
    {
    }

    public OpenCvException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = OpenCvStatus.Internal;
    }

    public OpenCvException(OpenCvStatus status, string message)
        : base(string.IsNullOrEmpty(message) ? $"OpenCV shim call failed with {status}" : message)
    {
        Status = status;
    }

    /// <summary>The shim's status code (never <see cref="OpenCvStatus.Ok"/>).</summary>
    public OpenCvStatus Status { get; }
}
