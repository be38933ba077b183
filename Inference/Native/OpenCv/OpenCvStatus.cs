namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>Status codes of the OpenCV shim (VA_OK, VA_END_OF_STREAM, VA_ERR_* in va_opencv.h).</summary>
public enum OpenCvStatus
{
    Ok = 0,

    /// <summary>A file source has no more frames.</summary>
    EndOfStream = 1,

    /// <summary>A null or empty buffer, a size that does not fit, an out-of-range option.</summary>
    InvalidArgument = -1,

    /// <summary>The source is missing, unreachable, not a video, corrupt, or uses a codec that cannot be decoded.</summary>
    OpenFailed = -2,

    /// <summary>A live source was lost or timed out, or a file had no decodable frame.</summary>
    ReadFailed = -3,

    /// <summary>The caller's buffer is too small; the required size was reported.</summary>
    BufferTooSmall = -4,

    /// <summary>The bytes are not a decodable image.</summary>
    DecodeFailed = -5,

    EncodeFailed = -6,

    /// <summary>The backend or option is not available in this OpenCV build.</summary>
    NotSupported = -7,

    /// <summary>OpenCV raised an error (cv::Exception).</summary>
    OpenCvError = -8,

    /// <summary>Any other native failure (e.g. out of memory).</summary>
    Internal = -9,
}
