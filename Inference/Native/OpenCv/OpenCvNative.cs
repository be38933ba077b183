using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>
/// The P/Invoke table of libva_opencv.so (see shim/va_opencv.h, the authority on every signature and struct
/// layout). The library is resolved by the default probing: it sits beside the binaries (Inference.csproj copies
/// .native/libva_opencv.so there).
/// </summary>
internal static unsafe partial class OpenCvNative
{
    private const string Library = "va_opencv";

    /// <summary>VA_ABI_VERSION this binding was written against.</summary>
    internal const int AbiVersion = 3;

    internal const int PropFps = 1;
    internal const int PropWidth = 2;
    internal const int PropHeight = 3;
    internal const int PropFrameCount = 4;
    internal const int PropPositionMs = 5;
    internal const int PropPositionFrames = 6;

    /// <summary>va_capture_options.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CaptureOptions
    {
        public int Backend;
        public int RtspTransport;
        public int OpenTimeoutMs;
        public int ReadTimeoutMs;
        public int BufferSize;
        public int Reserved;
    }

    /// <summary>va_frame_info.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FrameInfoNative
    {
        public int Width;
        public int Height;
        public int Stride;
        public int Reserved;
        public double TimestampMs;
        public long RequiredBytes;
        public long Index;
    }

    [LibraryImport(Library, EntryPoint = "va_capture_open", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int CaptureOpen(string source, CaptureOptions* options, out VideoCaptureHandle capture);

    [LibraryImport(Library, EntryPoint = "va_capture_read")]
    internal static partial int CaptureRead(VideoCaptureHandle capture, byte* bgr, long capacity, FrameInfoNative* info);

    [LibraryImport(Library, EntryPoint = "va_capture_grab")]
    internal static partial int CaptureGrab(VideoCaptureHandle capture, FrameInfoNative* info);

    [LibraryImport(Library, EntryPoint = "va_capture_retrieve")]
    internal static partial int CaptureRetrieve(VideoCaptureHandle capture, byte* bgr, long capacity, FrameInfoNative* info);

    [LibraryImport(Library, EntryPoint = "va_capture_get")]
    internal static partial int CaptureGet(VideoCaptureHandle capture, int property, double* value);

    [LibraryImport(Library, EntryPoint = "va_capture_backend_name")]
    internal static partial int CaptureBackendName(VideoCaptureHandle capture, byte* buffer, int capacity);

    /// <summary>Frees the capture; called only from <see cref="VideoCaptureHandle.ReleaseHandle"/>.</summary>
    [LibraryImport(Library, EntryPoint = "va_capture_release")]
    internal static partial int CaptureRelease(nint capture);

    [LibraryImport(Library, EntryPoint = "va_backend_available")]
    internal static partial int BackendAvailable(int backend, int* available);

    [LibraryImport(Library, EntryPoint = "va_resize_bgr")]
    internal static partial int ResizeBgr(
        byte* src, int srcWidth, int srcHeight, int srcStride, long srcBytes,
        byte* dst, int dstWidth, int dstHeight, int dstStride, long dstBytes);

    [LibraryImport(Library, EntryPoint = "va_jpeg_encode")]
    internal static partial int JpegEncode(
        byte* bgr, int width, int height, int stride, long bytes, int quality, byte* output, long capacity, long* written);

    [LibraryImport(Library, EntryPoint = "va_image_query")]
    internal static partial int ImageQuery(byte* data, long length, int* width, int* height);

    [LibraryImport(Library, EntryPoint = "va_image_decode")]
    internal static partial int ImageDecode(
        byte* data, long length, byte* bgr, long capacity, int stride, int* width, int* height);

    [LibraryImport(Library, EntryPoint = "va_draw_boxes")]
    internal static partial int DrawBoxes(
        byte* bgr, int width, int height, int stride, long bytes, LabeledBox* boxes, int boxCount,
        byte** labels, int labelCount, int thickness, double fontScale);

    [LibraryImport(Library, EntryPoint = "va_last_error")]
    internal static partial int LastError(byte** message);

    [LibraryImport(Library, EntryPoint = "va_opencv_version")]
    internal static partial int OpenCvVersion(byte** version);

    [LibraryImport(Library, EntryPoint = "va_abi_version")]
    internal static partial int ShimAbiVersion(int* abi);

    /// <summary>Throws <see cref="OpenCvException"/> for a negative status. Call it on the thread that made the
    /// failing call, right after it: the shim's message is per thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status)
    {
        if (status < 0)
        {
            throw Failure(status);
        }
    }

    /// <summary>An exception for <paramref name="status"/> carrying this thread's last shim message.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static OpenCvException Failure(int status) => new((OpenCvStatus)status, LastErrorMessage());

    /// <summary>This thread's last shim error message (copied; the native string is only valid until the next call).</summary>
    internal static string LastErrorMessage()
    {
        byte* message = null;
        if (LastError(&message) != 0 || message is null)
        {
            return string.Empty;
        }

        return Marshal.PtrToStringUTF8((nint)message) ?? string.Empty;
    }
}
