using System.Buffers;

namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>JPEG encoding and JPEG/PNG (anything cv::imdecode reads) decoding between caller-owned buffers.</summary>
/// <remarks>Thread-safe. The shim keeps one encode scratch buffer per thread, so steady-state calls do not allocate.</remarks>
public static unsafe class ImageCodec
{
    /// <summary>
    /// Encodes a BGR image as JPEG into <paramref name="destination"/> (the caller's). Returns <c>false</c> when it
    /// does not fit; <paramref name="bytesWritten"/> is then the size needed, and nothing was written.
    /// <paramref name="quality"/> is 1..100.
    /// </summary>
    /// <exception cref="OpenCvException">The layout does not fit <paramref name="bgr"/>, or quality is outside 1..100.</exception>
    public static bool TryEncodeJpeg(ReadOnlySpan<byte> bgr, BgrLayout layout, int quality, Span<byte> destination, out int bytesWritten)
    {
        long written = 0;
        int status;
        fixed (byte* image = bgr)
        fixed (byte* output = destination)
        {
            status = OpenCvNative.JpegEncode(
                image, layout.Width, layout.Height, layout.Stride, bgr.Length, quality, output, destination.Length, &written);
        }

        if (status == (int)OpenCvStatus.BufferTooSmall)
        {
            bytesWritten = checked((int)written);
            return false;
        }

        OpenCvNative.Check(status);
        bytesWritten = checked((int)written);
        return true;
    }

    /// <summary>
    /// Encodes a BGR image as JPEG and appends it to <paramref name="writer"/>. It first asks the writer for
    /// Width * Height bytes (more than a JPEG of quality up to ~95 needs) and only asks again with the exact size
    /// when that is not enough.
    /// </summary>
    /// <returns>The number of bytes appended.</returns>
    public static int EncodeJpeg(ReadOnlySpan<byte> bgr, BgrLayout layout, int quality, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var estimate = (int)Math.Clamp((long)layout.Width * layout.Height, 4096, int.MaxValue / 2);
        if (!TryEncodeJpeg(bgr, layout, quality, writer.GetSpan(estimate), out var written)
            && !TryEncodeJpeg(bgr, layout, quality, writer.GetSpan(written), out written))
        {
            throw new OpenCvException(OpenCvStatus.BufferTooSmall, $"The buffer writer did not provide the {written} bytes the JPEG needs.");
        }

        writer.Advance(written);
        return written;
    }

    /// <summary>
    /// Reads the size of an encoded image as <see cref="Decode"/> writes it, after EXIF orientation (orientations 5..8
    /// swap width and height), from its header (JPEG, PNG; other formats are decoded to learn it).
    /// </summary>
    /// <returns>The packed BGR layout a decoded image needs.</returns>
    /// <exception cref="OpenCvException"><see cref="OpenCvStatus.DecodeFailed"/> when the bytes are not an image.</exception>
    public static BgrLayout QueryImage(ReadOnlySpan<byte> encoded)
    {
        int width, height;
        fixed (byte* data = encoded)
        {
            OpenCvNative.Check(OpenCvNative.ImageQuery(data, encoded.Length, &width, &height));
        }

        return BgrLayout.Packed(width, height);
    }

    /// <summary>
    /// Decodes an image into <paramref name="bgr"/> (the caller's) as 8-bit BGR with row stride
    /// <paramref name="stride"/> (0: packed). Alpha is dropped; EXIF orientation is applied, as cv::imread does, so a
    /// photo taken upright on a phone is decoded upright. Size the buffer with <see cref="QueryImage"/> first.
    /// </summary>
    /// <returns>The layout written.</returns>
    /// <exception cref="OpenCvException"><see cref="OpenCvStatus.BufferTooSmall"/> (nothing written),
    /// <see cref="OpenCvStatus.DecodeFailed"/> for bytes that are not an image.</exception>
    public static BgrLayout Decode(ReadOnlySpan<byte> encoded, Span<byte> bgr, int stride = 0)
    {
        int width, height;
        fixed (byte* data = encoded)
        fixed (byte* output = bgr)
        {
            OpenCvNative.Check(OpenCvNative.ImageDecode(data, encoded.Length, output, bgr.Length, stride, &width, &height));
        }

        return new BgrLayout(width, height, stride == 0 ? width * 3 : stride);
    }
}
