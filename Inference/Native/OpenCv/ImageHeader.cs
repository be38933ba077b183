using System.Buffers.Binary;

namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>
/// The stored width and height of an encoded image, read from its header without decoding: JPEG, PNG, TIFF (and
/// BigTIFF), BMP and WebP, whatever media type the upload claimed. Lets a pixel limit be applied before
/// <see cref="ImageCodec.QueryImage"/>, which decodes formats other than JPEG and PNG in full to learn their size:
/// a few kilobytes of TIFF can claim 16000x16000 (768 MB of pixels).
/// </summary>
/// <remarks>
/// Hand-written because OpenCV 4.6 has no public header-only call (its decoders' readHeader is internal) and the
/// feed's image libraries would be a second decoder in the process for five fixed-layout headers. EXIF orientation is
/// not applied: it only swaps the two, which leaves their product, the thing limited, unchanged.
/// </remarks>
public static class ImageHeader
{
    /// <summary>True when the bytes start with a header of a known format that states a size; the size is then written.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> data, out long width, out long height)
    {
        width = height = 0;
        return TryPng(data, ref width, ref height)
            || TryJpeg(data, ref width, ref height)
            || TryTiff(data, ref width, ref height)
            || TryBmp(data, ref width, ref height)
            || TryWebP(data, ref width, ref height);
    }

    private static bool TryPng(ReadOnlySpan<byte> d, ref long width, ref long height)
    {
        if (d.Length < 24 || !d[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])
            || !d.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }

        width = BinaryPrimitives.ReadUInt32BigEndian(d[16..]);
        height = BinaryPrimitives.ReadUInt32BigEndian(d[20..]);
        return true;
    }

    // Segments up to the first start-of-frame, which holds the size (a DNL-sized frame says 0 and is left to decoding).
    private static bool TryJpeg(ReadOnlySpan<byte> d, ref long width, ref long height)
    {
        if (d.Length < 4 || d[0] != 0xFF || d[1] != 0xD8)
        {
            return false;
        }

        var i = 2;
        while (i + 4 <= d.Length)
        {
            if (d[i] != 0xFF)
            {
                return false;
            }

            var marker = d[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            i += 2;
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue;
            }

            if (marker is 0xD9 or 0xDA)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(d[i..]);
            if (length < 2 || i + length > d.Length)
            {
                return false;
            }

            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 7)
                {
                    return false;
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(d[(i + 3)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(d[(i + 5)..]);
                return width > 0 && height > 0;
            }

            i += length;
        }

        return false;
    }

    // The first image file directory's ImageWidth (256) and ImageLength (257): the page OpenCV decodes.
    private static bool TryTiff(ReadOnlySpan<byte> d, ref long width, ref long height)
    {
        if (d.Length < 8)
        {
            return false;
        }

        bool little;
        if (d[0] == 'I' && d[1] == 'I')
        {
            little = true;
        }
        else if (d[0] == 'M' && d[1] == 'M')
        {
            little = false;
        }
        else
        {
            return false;
        }

        var version = U16(d[2..], little);
        var big = version == 43;
        if (version != 42 && !big)
        {
            return false;
        }

        var ifd = big ? (d.Length >= 16 ? U64(d[8..], little) : ulong.MaxValue) : U32(d[4..], little);
        var countSize = big ? 8 : 2;
        var entrySize = big ? 20 : 12;
        if (ifd > (ulong)(d.Length - countSize))
        {
            return false;
        }

        var at = (int)ifd;
        var count = big ? U64(d[at..], little) : U16(d[at..], little);
        at += countSize;
        long w = 0, h = 0;
        for (ulong e = 0; e < count && at + entrySize <= d.Length; e++, at += entrySize)
        {
            var entry = d.Slice(at, entrySize);
            var tag = U16(entry, little);
            if (tag is not 256 and not 257)
            {
                continue;
            }

            var type = U16(entry[2..], little);
            var value = entry[(big ? 12 : 8)..];
            long v = type switch
            {
                3 => U16(value, little), // SHORT
                4 => U32(value, little), // LONG
                16 when big => (long)Math.Min(U64(value, little), long.MaxValue), // LONG8
                _ => 0,
            };
            if (tag == 256)
            {
                w = v;
            }
            else
            {
                h = v;
            }
        }

        if (w <= 0 || h <= 0)
        {
            return false;
        }

        width = w;
        height = h;
        return true;
    }

    private static bool TryBmp(ReadOnlySpan<byte> d, ref long width, ref long height)
    {
        if (d.Length < 26 || d[0] != 'B' || d[1] != 'M')
        {
            return false;
        }

        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(d[14..]);
        if (headerSize == 12)
        {
            // OS/2 BITMAPCOREHEADER: 16-bit sizes.
            width = BinaryPrimitives.ReadUInt16LittleEndian(d[18..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(d[20..]);
        }
        else
        {
            // A negative height means rows stored top-down.
            width = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(d[18..]));
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(d[22..]));
        }

        return width > 0 && height > 0;
    }

    private static bool TryWebP(ReadOnlySpan<byte> d, ref long width, ref long height)
    {
        if (d.Length < 30 || !d[..4].SequenceEqual("RIFF"u8) || !d.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return false;
        }

        var chunk = d.Slice(12, 4);
        if (chunk.SequenceEqual("VP8X"u8))
        {
            width = 1 + (d[24] | (d[25] << 8) | (d[26] << 16));
            height = 1 + (d[27] | (d[28] << 8) | (d[29] << 16));
            return true;
        }

        if (chunk.SequenceEqual("VP8L"u8) && d[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(d[21..]);
            width = 1 + (bits & 0x3FFF);
            height = 1 + ((bits >> 14) & 0x3FFF);
            return true;
        }

        if (chunk.SequenceEqual("VP8 "u8) && d[23] == 0x9D && d[24] == 0x01 && d[25] == 0x2A)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(d[26..]) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(d[28..]) & 0x3FFF;
            return width > 0 && height > 0;
        }

        return false;
    }

    private static ushort U16(ReadOnlySpan<byte> d, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d) : BinaryPrimitives.ReadUInt16BigEndian(d);

    private static uint U32(ReadOnlySpan<byte> d, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d) : BinaryPrimitives.ReadUInt32BigEndian(d);

    private static ulong U64(ReadOnlySpan<byte> d, bool little) =>
        little ? BinaryPrimitives.ReadUInt64LittleEndian(d) : BinaryPrimitives.ReadUInt64BigEndian(d);
}
