using VideoAnalytics.Inference.Evaluation;

namespace VideoAnalytics.Tests.Inference.Evaluation;

public sealed class PixelBoxTests
{
    [Fact]
    public void Area_and_iou_use_continuous_coordinates_without_plus_one()
    {
        var a = new PixelBox(0, 0, 10, 10);
        var b = new PixelBox(5, 0, 15, 10);

        Assert.Equal(100, a.Area);

        // 50 / (100 + 100 − 50); with VOC's +1 it would be 55 / 187.
        Assert.Equal(1.0 / 3.0, PixelBox.IntersectionOverUnion(a, b), 1e-15);
        Assert.Equal(0, PixelBox.IntersectionOverUnion(a, new PixelBox(10, 0, 20, 10)));
        Assert.Equal(0, PixelBox.IntersectionOverUnion(new PixelBox(3, 3, 3, 3), new PixelBox(3, 3, 3, 3)));
    }

    [Fact]
    public void Iou_matches_counting_unit_cells_for_random_integer_boxes()
    {
        var random = new Random(20261121);
        for (var trial = 0; trial < 500; trial++)
        {
            var a = RandomBox(random);
            var b = RandomBox(random);
            int inA = 0, inB = 0, inBoth = 0;
            for (var y = 0; y < 40; y++)
            {
                for (var x = 0; x < 40; x++)
                {
                    // Cell [x, x+1) × [y, y+1) lies inside a box when the box spans it entirely.
                    var cellInA = Covers(a, x, y);
                    var cellInB = Covers(b, x, y);
                    inA += cellInA ? 1 : 0;
                    inB += cellInB ? 1 : 0;
                    inBoth += cellInA && cellInB ? 1 : 0;
                }
            }

            var union = inA + inB - inBoth;
            var expected = union == 0 ? 0 : inBoth / (double)union;
            Assert.Equal(expected, PixelBox.IntersectionOverUnion(a, b), 1e-12);
            Assert.Equal(inA, a.Area);
        }
    }

    private static PixelBox RandomBox(Random random)
    {
        var x1 = random.Next(0, 35);
        var y1 = random.Next(0, 35);
        return new PixelBox(x1, y1, x1 + random.Next(0, 6), y1 + random.Next(0, 6));
    }

    private static bool Covers(PixelBox box, int x, int y) => x >= box.X1 && x + 1 <= box.X2 && y >= box.Y1 && y + 1 <= box.Y2;
}
