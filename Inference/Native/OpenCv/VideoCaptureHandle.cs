using Microsoft.Win32.SafeHandles;

namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>Owns one native <c>va_capture</c>; released exactly once by <c>va_capture_release</c>.</summary>
internal sealed class VideoCaptureHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public VideoCaptureHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        // va_capture_release frees the capture whatever OpenCV reports and never throws across the ABI, so the
        // status carries nothing actionable here; a finalizer-thread release must not fail.
        _ = OpenCvNative.CaptureRelease(handle);
        return true;
    }
}
