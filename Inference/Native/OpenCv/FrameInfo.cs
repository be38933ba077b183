namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>
/// A frame delivered by <see cref="VideoSource.TryRead"/> (or grabbed and retrieved): its packed BGR
/// <see cref="Layout"/> in the caller's buffer, its presentation time and its 0-based index in this source (frames
/// grabbed and skipped counted). After <see cref="FrameReadResult.BufferTooSmall"/>
/// the layout and <see cref="RequiredBytes"/> describe the frame that did not fit.
/// </summary>
public readonly record struct FrameInfo(BgrLayout Layout, double TimestampMs, long Index)
{
    public int Width => Layout.Width;

    public int Height => Layout.Height;

    public int Stride => Layout.Stride;

    /// <summary>Bytes the frame needs in the caller's buffer.</summary>
    public long RequiredBytes => Layout.RequiredBytes;

    /// <summary>Presentation time (CAP_PROP_POS_MSEC, never going backwards within a source).</summary>
    public TimeSpan Timestamp => TimeSpan.FromMilliseconds(TimestampMs);
}
