namespace VideoAnalytics.Inference;

/// <summary>
/// A view of an 8-bit BGR image: <see cref="Height"/> rows of <see cref="Width"/> pixels, each row starting
/// <see cref="Stride"/> bytes after the previous one. The caller owns <see cref="Pixels"/>; the engine only
/// reads it during the call it is passed to.
/// </summary>
public readonly struct BgrFrame
{
    public BgrFrame(ReadOnlyMemory<byte> pixels, int width, int height, int stride = 0)
    {
        Pixels = pixels;
        Width = width;
        Height = height;
        Stride = stride == 0 ? width * 3 : stride;
    }

    public ReadOnlyMemory<byte> Pixels { get; }

    public int Width { get; }

    public int Height { get; }

    public int Stride { get; }

    /// <summary>Bytes a buffer must hold for this frame: the last row needs only its pixels, not a full stride.</summary>
    public long RequiredLength => Height <= 0 ? 0 : ((long)(Height - 1) * Stride) + ((long)Width * 3);

    /// <summary>Throws a clear <see cref="ArgumentException"/> when the frame cannot be read as stated.</summary>
    public void Validate(string parameterName)
    {
        if (Width <= 0 || Height <= 0)
        {
            throw new ArgumentException($"frame is {Width}x{Height}: width and height must be positive", parameterName);
        }

        if (Stride < Width * 3)
        {
            throw new ArgumentException($"frame stride {Stride} is smaller than width*3 = {Width * 3}", parameterName);
        }

        if (Pixels.Length < RequiredLength)
        {
            throw new ArgumentException(
                $"frame buffer holds {Pixels.Length} bytes but a {Width}x{Height} BGR frame with stride {Stride} needs {RequiredLength}",
                parameterName);
        }
    }
}
