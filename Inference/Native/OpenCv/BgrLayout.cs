namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>
/// The shape of an 8-bit BGR image in a byte buffer: <paramref name="Width"/> x <paramref name="Height"/> pixels,
/// 3 bytes each, rows <paramref name="Stride"/> bytes apart (at least <c>Width * 3</c>). A buffer with this layout
/// holds at least <see cref="RequiredBytes"/> bytes.
/// </summary>
public readonly record struct BgrLayout(int Width, int Height, int Stride)
{
    /// <summary>Rows with no padding: stride = width * 3.</summary>
    public static BgrLayout Packed(int width, int height) => new(width, height, checked(width * 3));

    /// <summary>Stride * Height: the bytes a buffer with this layout must hold.</summary>
    public long RequiredBytes => (long)Stride * Height;
}
