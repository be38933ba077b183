using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Inference.OpenCv;

public sealed class FrameResizerTests
{
    [Fact]
    public void Halving_averages_each_two_by_two_block_across_strides()
    {
        // INTER_LINEAR at exactly half size samples between the 4 source pixels of each block: their mean.
        const int width = 16, height = 10, sourceStride = width * 3 + 7, targetStride = (width / 2 * 3) + 5;
        var source = new byte[sourceStride * height];
        new Random(42).NextBytes(source);
        var target = new byte[targetStride * (height / 2)];
        Array.Fill(target, (byte)0xAB);

        FrameResizer.Resize(source, new BgrLayout(width, height, sourceStride), target, new BgrLayout(width / 2, height / 2, targetStride));

        for (var y = 0; y < height / 2; y++)
        {
            for (var x = 0; x < width / 2; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    int At(int sx, int sy) => source[(sy * sourceStride) + (sx * 3) + c];
                    var mean = (At(2 * x, 2 * y) + At((2 * x) + 1, 2 * y) + At(2 * x, (2 * y) + 1) + At((2 * x) + 1, (2 * y) + 1)) / 4.0;
                    var actual = target[(y * targetStride) + (x * 3) + c];
                    Assert.True(Math.Abs(actual - mean) <= 1.0, $"({x},{y},{c}): {actual} vs {mean}");
                }
            }

            // Row padding of the destination is not the resizer's to write.
            for (var p = width / 2 * 3; p < targetStride; p++)
            {
                Assert.Equal(0xAB, target[(y * targetStride) + p]);
            }
        }
    }

    [Fact]
    public void Upscaling_keeps_flat_regions_flat_and_edges_between()
    {
        // Left half blue (255,0,0), right half red (0,0,255): after 4x upscaling the outer columns keep their
        // colours and every pixel stays a blend of the two.
        const int width = 4, height = 2;
        var source = new byte[width * 3 * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                source[i] = x < 2 ? (byte)255 : (byte)0;
                source[i + 2] = x < 2 ? (byte)0 : (byte)255;
            }
        }

        var target = new byte[16 * 3 * 8];
        FrameResizer.Resize(source, BgrLayout.Packed(width, height), target, BgrLayout.Packed(16, 8));
        for (var y = 0; y < 8; y++)
        {
            Assert.Equal(255, target[(y * 48) + 0]);
            Assert.Equal(255, target[(y * 48) + (15 * 3) + 2]);
            for (var x = 0; x < 16; x++)
            {
                var i = (y * 48) + (x * 3);
                Assert.Equal(0, target[i + 1]);
                Assert.InRange(target[i] + target[i + 2], 254, 256);
            }
        }
    }

    [Fact]
    public void A_layout_bigger_than_its_buffer_is_an_error_not_a_crash()
    {
        var error = Assert.Throws<OpenCvException>(
            () => FrameResizer.Resize(new byte[100], BgrLayout.Packed(64, 64), new byte[12], BgrLayout.Packed(2, 2)));
        Assert.Equal(OpenCvStatus.InvalidArgument, error.Status);
        Assert.Contains("source holds 100 bytes", error.Message, StringComparison.Ordinal);

        error = Assert.Throws<OpenCvException>(
            () => FrameResizer.Resize(new byte[12], new BgrLayout(2, 2, 5), new byte[12], BgrLayout.Packed(2, 2)));
        Assert.Contains("stride", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resizing_allocates_nothing()
    {
        var source = new byte[64 * 48 * 3];
        var target = new byte[32 * 24 * 3];
        Assert.Equal(0, Allocations.SteadyState(() => FrameResizer.Resize(source, BgrLayout.Packed(64, 48), target, BgrLayout.Packed(32, 24))));
    }
}
