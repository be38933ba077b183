namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>What <see cref="VideoSource.TryRead"/> did.</summary>
public enum FrameReadResult
{
    /// <summary>A frame was written to the caller's buffer.</summary>
    Frame = 0,

    /// <summary>A file ended; every later read says so again.</summary>
    EndOfStream = 1,

    /// <summary>The buffer was too small: nothing was written, <see cref="FrameInfo.RequiredBytes"/> says what is
    /// needed, and the frame is kept for the next read.</summary>
    BufferTooSmall = 2,

    /// <summary>The read failed (stream lost, timed out, ended for a URL, or no decodable frame);
    /// <see cref="VideoSource.LastError"/> says why. Reopen to recover.</summary>
    Error = 3,
}
