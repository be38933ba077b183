using System.Buffers.Binary;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Tests.Inference.OpenCv;

/// <summary>Header sizes of real encoders' files (ffmpeg's), and headers that claim far more than they hold.</summary>
public sealed class ImageHeaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("va-header-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("png", "rgb24", "")]
    [InlineData("jpg", "yuvj420p", "")]
    [InlineData("tiff", "rgb24", "deflate")]
    [InlineData("tiff", "rgb24", "packbits")]
    [InlineData("bmp", "bgr24", "")]
    [InlineData("webp", "yuv420p", "lossy")]
    [InlineData("webp", "argb", "lossless")]
    public void The_size_is_read_from_the_header_of_each_format(string extension, string pixelFormat, string variant)
    {
        var file = Path.Combine(_dir, $"image-{variant}.{extension}");
        List<string> arguments = ["-f", "lavfi", "-i", "testsrc2=size=124x46", "-frames:v", "1", "-pix_fmt", pixelFormat];
        arguments.AddRange(variant switch
        {
            "deflate" or "packbits" => ["-compression_algo", variant],
            "lossless" => ["-lossless", "1"],
            _ => [],
        });
        arguments.Add(file);
        MediaFixture.Ffmpeg([.. arguments]);

        var bytes = File.ReadAllBytes(file);
        Assert.True(ImageHeader.TryReadSize(bytes, out var width, out var height), $"{extension} {variant}: no size read");
        Assert.Equal((124, 46), (width, height));
        // And OpenCV agrees, decoding it.
        Assert.Equal(BgrLayout.Packed(124, 46), ImageCodec.QueryImage(bytes));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void A_tiff_claiming_16000_squared_is_sized_without_decoding(bool littleEndian, bool bigTiff)
    {
        var tiff = ClaimingTiff(16000, 16000, littleEndian, bigTiff);
        Assert.True(ImageHeader.TryReadSize(tiff, out var width, out var height));
        Assert.Equal((16000, 16000), (width, height));
    }

    [Fact]
    public void Bytes_of_no_known_format_or_cut_headers_say_nothing()
    {
        Assert.False(ImageHeader.TryReadSize([], out _, out _));
        Assert.False(ImageHeader.TryReadSize("II*\0"u8, out _, out _));
        Assert.False(ImageHeader.TryReadSize(ClaimingTiff(16000, 16000, true, false).AsSpan(0, 20), out _, out _));
        var random = new byte[4096];
        new Random(3).NextBytes(random);
        random[0] = 0x12;
        Assert.False(ImageHeader.TryReadSize(random, out _, out _));
    }

    /// <summary>
    /// A TIFF (8-bit grey, one uncompressed strip) whose header says <paramref name="width"/> x <paramref name="height"/>
    /// and whose strip holds 64 bytes: what an upload can claim for a few hundred bytes.
    /// </summary>
    internal static byte[] ClaimingTiff(uint width, uint height, bool littleEndian = true, bool bigTiff = false)
    {
        (ushort Tag, ushort Type, ulong Value)[] entries =
        [
            (256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 0), (277, 3, 1),
            (278, 4, height), (279, 4, (ulong)width * height),
        ];
        var entrySize = bigTiff ? 20 : 12;
        var ifd = bigTiff ? 16 : 8;
        var ifdSize = (bigTiff ? 8 : 2) + (entries.Length * entrySize) + (bigTiff ? 8 : 4);
        var data = ifd + ifdSize;
        var bytes = new byte[data + 64];
        void U16(int at, ushort v) { if (littleEndian) { BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), v); } else { BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), v); } }
        void U32(int at, uint v) { if (littleEndian) { BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), v); } else { BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), v); } }
        void U64(int at, ulong v) { if (littleEndian) { BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), v); } else { BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(at), v); } }
        bytes[0] = bytes[1] = (byte)(littleEndian ? 'I' : 'M');
        if (bigTiff)
        {
            U16(2, 43);
            U16(4, 8);
            U64(8, (ulong)ifd);
            U64(ifd, (ulong)entries.Length);
        }
        else
        {
            U16(2, 42);
            U32(4, (uint)ifd);
            U16(ifd, (ushort)entries.Length);
        }

        var at = ifd + (bigTiff ? 8 : 2);
        foreach (var (tag, type, value) in entries)
        {
            var v = tag == 273 ? (ulong)data : value;
            U16(at, tag);
            U16(at + 2, type);
            if (bigTiff)
            {
                U64(at + 4, 1);
                if (type == 3) { U16(at + 12, (ushort)v); } else { U32(at + 12, (uint)v); }
            }
            else
            {
                U32(at + 4, 1);
                if (type == 3) { U16(at + 8, (ushort)v); } else { U32(at + 8, (uint)v); }
            }

            at += entrySize;
        }

        return bytes;
    }
}
