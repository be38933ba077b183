namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>Bilinear (cv::INTER_LINEAR) resizing of BGR frames between caller-owned buffers.</summary>
public static unsafe class FrameResizer
{
    /// <summary>
    /// Resizes <paramref name="source"/> (laid out as <paramref name="sourceLayout"/>, any stride) into
    /// <paramref name="destination"/> (laid out as <paramref name="destinationLayout"/>). Both buffers are the
    /// caller's and must not overlap; padding bytes between rows of the destination are left as they were.
    /// Thread-safe; allocates nothing.
    /// </summary>
    /// <exception cref="OpenCvException">A layout is invalid or does not fit its buffer, or the buffers overlap.</exception>
    public static void Resize(ReadOnlySpan<byte> source, BgrLayout sourceLayout, Span<byte> destination, BgrLayout destinationLayout)
    {
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            OpenCvNative.Check(OpenCvNative.ResizeBgr(
                src, sourceLayout.Width, sourceLayout.Height, sourceLayout.Stride, source.Length,
                dst, destinationLayout.Width, destinationLayout.Height, destinationLayout.Stride, destination.Length));
        }
    }
}
