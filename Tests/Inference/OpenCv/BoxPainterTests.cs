using System.Runtime.CompilerServices;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Inference.OpenCv;

public sealed class BoxPainterTests
{
    private const int Width = 200, Height = 200;

    private static bool IsBlack(byte[] image, int x, int y)
    {
        var i = ((y * Width) + x) * 3;
        return image[i] == 0 && image[i + 1] == 0 && image[i + 2] == 0;
    }

    [Fact]
    public void Box_border_and_tag_are_drawn_and_nothing_far_from_them()
    {
        var image = new byte[Width * Height * 3];
        var painter = new BoxPainter(["person", "car"], thickness: 2);
        painter.Draw(image, BgrLayout.Packed(Width, Height), [new LabeledBox(50, 80, 150, 160, 0.87f, 0)]);

        // The four sides of the rectangle.
        Assert.False(IsBlack(image, 50, 120));
        Assert.False(IsBlack(image, 150, 120));
        Assert.False(IsBlack(image, 100, 80));
        Assert.False(IsBlack(image, 100, 160));
        // Inside the box, away from the border and the tag, the frame is untouched.
        Assert.True(IsBlack(image, 100, 120));
        Assert.True(IsBlack(image, 60, 150));
        // The tag sits just above the top-left corner.
        Assert.False(IsBlack(image, 52, 78));

        // Every changed pixel is on the border (+/- thickness) or in the tag above the box.
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                if (IsBlack(image, x, y))
                {
                    continue;
                }

                var onBorder = x is >= 48 and <= 152 && y is >= 78 and <= 162
                    && !(x is > 52 and < 148 && y is > 82 and < 158);
                var inTag = x is >= 50 and <= 150 && y is >= 55 and < 80;
                Assert.True(onBorder || inTag, $"pixel ({x},{y}) changed far from the box");
            }
        }
    }

    [Fact]
    public void Different_labels_get_different_colours_and_strided_rows_keep_their_padding()
    {
        const int stride = (Width * 3) + 9;
        var image = new byte[stride * Height];
        var painter = new BoxPainter(["a", "b"]);
        painter.Draw(image, new BgrLayout(Width, Height, stride),
            [new LabeledBox(20, 40, 60, 90, -1, 0), new LabeledBox(120, 40, 180, 90, -1, 1)]);
        var first = image.AsSpan((60 * stride) + (20 * 3), 3).ToArray();
        var second = image.AsSpan((60 * stride) + (120 * 3), 3).ToArray();
        Assert.NotEqual(new byte[3], first);
        Assert.NotEqual(first, second);
        for (var y = 0; y < Height; y++)
        {
            Assert.All(image.AsSpan((y * stride) + (Width * 3), 9).ToArray(), b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void Boxes_outside_the_image_are_clipped_and_non_finite_ones_skipped()
    {
        var image = new byte[Width * Height * 3];
        var painter = new BoxPainter([]);
        painter.Draw(image, BgrLayout.Packed(Width, Height),
        [
            new LabeledBox(-500, -500, 5000, 5000, 0.5f, 7),
            new LabeledBox(float.NaN, 0, 10, 10, 0.5f, 0),
        ]);
        Assert.False(IsBlack(image, 0, 100));
        Assert.False(IsBlack(image, Width - 1, 100));
    }

    [Fact]
    public void A_layout_bigger_than_the_buffer_is_an_error()
    {
        var painter = new BoxPainter(["x"]);
        var error = Assert.Throws<OpenCvException>(
            () => painter.Draw(new byte[10], BgrLayout.Packed(Width, Height), [new LabeledBox(1, 1, 5, 5, 1, 0)]));
        Assert.Equal(OpenCvStatus.InvalidArgument, error.Status);
    }

    [Fact]
    public void LabeledBox_matches_the_native_va_box_layout()
    {
        Assert.Equal(24, Unsafe.SizeOf<LabeledBox>());
    }

    [Fact]
    public void Drawing_allocates_nothing()
    {
        var image = new byte[Width * Height * 3];
        var painter = new BoxPainter(["person"]);
        var boxes = new[] { new LabeledBox(10, 30, 90, 90, 0.5f, 0) };
        Assert.Equal(0, Allocations.SteadyState(() => painter.Draw(image, BgrLayout.Packed(Width, Height), boxes)));
    }
}
