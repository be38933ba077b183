using System.Buffers;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Tests.Inference.OpenCv;

/// <summary>
/// JPEGs carrying an EXIF Orientation tag, as phones write them: the pixels are stored as the sensor saw them and the
/// tag says how to turn them for display. Built here by hand (our encoder writes no EXIF) so the tests need no fixture.
/// </summary>
internal static class ExifJpeg
{
    /// <summary>A JPEG of <paramref name="bgr"/> (stored as given) with an APP1 Exif segment holding <paramref name="orientation"/>.</summary>
    public static byte[] Encode(byte[] bgr, int width, int height, ushort orientation)
    {
        var writer = new ArrayBufferWriter<byte>();
        ImageCodec.EncodeJpeg(bgr, BgrLayout.Packed(width, height), 95, writer);
        return WithOrientation(writer.WrittenSpan, orientation);
    }

    /// <summary>Inserts an APP1 Exif segment (little-endian TIFF, IFD0 with the one Orientation entry) after the SOI.</summary>
    public static byte[] WithOrientation(ReadOnlySpan<byte> jpeg, ushort orientation)
    {
        byte[] app1 =
        [
            0xFF, 0xE1, 0x00, 34,                      // APP1, length 34 (itself included)
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'I', (byte)'I', 0x2A, 0x00,          // TIFF header, little-endian, magic 42
            0x08, 0x00, 0x00, 0x00,                    // IFD0 at offset 8
            0x01, 0x00,                                // one entry
            0x12, 0x01, 0x03, 0x00,                    // tag 0x0112 Orientation, type SHORT
            0x01, 0x00, 0x00, 0x00,                    // count 1
            (byte)orientation, (byte)(orientation >> 8), 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,                    // no next IFD
        ];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    /// <summary>A <paramref name="width"/>×<paramref name="height"/> BGR image, black left of its middle column and white right of it.</summary>
    public static byte[] BlackLeftWhiteRight(int width, int height)
    {
        var bgr = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            bgr.AsSpan(((y * width) + (width / 2)) * 3, (width - (width / 2)) * 3).Fill(255);
        }

        return bgr;
    }
}
