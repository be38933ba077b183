using System.Buffers;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Tests.Inference.OpenCv;

[Collection(MediaTestGroup.Name)]
public sealed class ImageCodecTests(MediaFixture media)
{
    private static byte[] Gradient(int width, int height)
    {
        var bgr = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                bgr[i] = (byte)(x * 255 / (width - 1));
                bgr[i + 1] = (byte)(y * 255 / (height - 1));
                bgr[i + 2] = (byte)((x + y) * 255 / (width + height - 2));
            }
        }

        return bgr;
    }

    [Fact]
    public void Jpeg_round_trip_keeps_size_and_pixels_close()
    {
        const int width = 96, height = 64;
        var image = Gradient(width, height);
        var jpeg = new byte[64 * 1024];
        Assert.True(ImageCodec.TryEncodeJpeg(image, BgrLayout.Packed(width, height), 90, jpeg, out var written));
        Assert.Equal(0xFF, jpeg[0]);
        Assert.Equal(0xD8, jpeg[1]);

        var encoded = jpeg.AsSpan(0, written);
        Assert.Equal(BgrLayout.Packed(width, height), ImageCodec.QueryImage(encoded));
        var decoded = new byte[image.Length];
        Assert.Equal(BgrLayout.Packed(width, height), ImageCodec.Decode(encoded, decoded));

        long totalError = 0;
        for (var i = 0; i < image.Length; i++)
        {
            totalError += Math.Abs(image[i] - decoded[i]);
        }

        var meanError = (double)totalError / image.Length;
        Assert.True(meanError < 3.0, $"mean absolute error {meanError:F2}");
    }

    [Fact]
    public void Jpeg_into_a_small_buffer_reports_the_size_needed()
    {
        var image = Gradient(64, 64);
        var layout = BgrLayout.Packed(64, 64);
        Assert.False(ImageCodec.TryEncodeJpeg(image, layout, 80, new byte[16], out var needed));
        Assert.True(needed > 16);
        var exact = new byte[needed];
        Assert.True(ImageCodec.TryEncodeJpeg(image, layout, 80, exact, out var written));
        Assert.Equal(needed, written);
    }

    [Fact]
    public void Jpeg_goes_into_a_buffer_writer()
    {
        var image = Gradient(64, 48);
        var writer = new ArrayBufferWriter<byte>();
        writer.Write(new byte[] { 1, 2, 3 });
        var written = ImageCodec.EncodeJpeg(image, BgrLayout.Packed(64, 48), 75, writer);
        Assert.Equal(3 + written, writer.WrittenCount);
        Assert.Equal(BgrLayout.Packed(64, 48), ImageCodec.QueryImage(writer.WrittenSpan[3..]));
    }

    [Fact]
    public void Jpeg_quality_outside_1_to_100_is_an_error()
    {
        var error = Assert.Throws<OpenCvException>(
            () => ImageCodec.TryEncodeJpeg(new byte[12], BgrLayout.Packed(2, 2), 0, new byte[1024], out _));
        Assert.Equal(OpenCvStatus.InvalidArgument, error.Status);
    }

    [Fact]
    public void Png_decodes_exactly_into_a_strided_buffer()
    {
        const int width = 7, height = 5, stride = (width * 3) + 4;
        var pixels = new byte[width * height * 3];
        new Random(7).NextBytes(pixels);
        var png = media.EncodePng(pixels, width, height);

        Assert.Equal(BgrLayout.Packed(width, height), ImageCodec.QueryImage(png));
        var decoded = new byte[stride * height];
        Assert.Equal(new BgrLayout(width, height, stride), ImageCodec.Decode(png, decoded, stride));
        for (var y = 0; y < height; y++)
        {
            Assert.Equal(pixels.AsSpan(y * width * 3, width * 3).ToArray(), decoded.AsSpan(y * stride, width * 3).ToArray());
        }
    }

    [Fact]
    public void Decoding_into_a_small_buffer_is_a_clear_error()
    {
        var jpeg = new byte[64 * 1024];
        Assert.True(ImageCodec.TryEncodeJpeg(Gradient(32, 32), BgrLayout.Packed(32, 32), 90, jpeg, out var written));
        var error = Assert.Throws<OpenCvException>(() => ImageCodec.Decode(jpeg.AsSpan(0, written), new byte[100]));
        Assert.Equal(OpenCvStatus.BufferTooSmall, error.Status);
        Assert.Contains("3072", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_bytes_do_not_decode()
    {
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        garbage[0] = 0x12;
        var error = Assert.Throws<OpenCvException>(() => ImageCodec.QueryImage(garbage));
        Assert.Equal(OpenCvStatus.DecodeFailed, error.Status);
        Assert.Contains("not an image", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<OpenCvException>(() => ImageCodec.Decode(garbage, new byte[1 << 20]));
        Assert.Equal(OpenCvStatus.DecodeFailed, error.Status);
        error = Assert.Throws<OpenCvException>(() => ImageCodec.Decode(ReadOnlySpan<byte>.Empty, new byte[16]));
        Assert.Equal(OpenCvStatus.InvalidArgument, error.Status);
    }

    [Fact]
    public void A_png_cut_after_its_header_does_not_decode()
    {
        // libjpeg pads a cut JPEG with grey and calls it decoded; libpng refuses a cut PNG, which is what this
        // checks: a header that promises an image is not enough.
        var pixels = new byte[32 * 32 * 3];
        new Random(11).NextBytes(pixels);
        var png = media.EncodePng(pixels, 32, 32);
        var cut = png.AsSpan(0, png.Length / 2).ToArray();
        Assert.Equal(BgrLayout.Packed(32, 32), ImageCodec.QueryImage(cut));
        var error = Assert.Throws<OpenCvException>(() => ImageCodec.Decode(cut, new byte[32 * 32 * 3]));
        Assert.Equal(OpenCvStatus.DecodeFailed, error.Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(200)]
    public void A_jpeg_with_exif_orientation_6_is_decoded_upright_and_queried_with_its_upright_size(int stride)
    {
        // Stored 100x50, black left and white right; orientation 6 means "turn 90 degrees clockwise to view", which
        // puts the stored left half on top: the upright image is 50x100, black above and white below.
        var jpeg = ExifJpeg.Encode(ExifJpeg.BlackLeftWhiteRight(100, 50), 100, 50, orientation: 6);
        Assert.Equal(BgrLayout.Packed(50, 100), ImageCodec.QueryImage(jpeg));
        var layout = stride == 0 ? BgrLayout.Packed(50, 100) : new BgrLayout(50, 100, stride);
        var pixels = new byte[layout.RequiredBytes];
        var written = ImageCodec.Decode(jpeg, pixels, stride);
        Assert.Equal(layout, written);
        Assert.InRange(pixels[(10 * layout.Stride) + (25 * 3)], 0, 20);
        Assert.InRange(pixels[(40 * layout.Stride) + (25 * 3)], 0, 20);
        Assert.InRange(pixels[(60 * layout.Stride) + (25 * 3)], 235, 255);
        Assert.InRange(pixels[(90 * layout.Stride) + (25 * 3)], 235, 255);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, true)]
    public void Orientations_that_keep_the_size_decode_as_stored_or_turned_half_round(ushort orientation, bool turned)
    {
        var jpeg = ExifJpeg.Encode(ExifJpeg.BlackLeftWhiteRight(100, 50), 100, 50, orientation);
        Assert.Equal(BgrLayout.Packed(100, 50), ImageCodec.QueryImage(jpeg));
        var pixels = new byte[100 * 50 * 3];
        ImageCodec.Decode(jpeg, pixels);
        var left = pixels[(25 * 300) + (10 * 3)];
        var right = pixels[(25 * 300) + (90 * 3)];
        Assert.InRange(turned ? right : left, 0, 20);
        Assert.InRange(turned ? left : right, 235, 255);
    }
}
