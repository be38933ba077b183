using VideoAnalytics.Contracts.Analytics;

namespace VideoAnalytics.Tests.Contracts;

/// <summary>
/// Zone and line geometry against brute-force references on generated shapes: point in polygon against the winding
/// angle, line crossings against walking the path in small steps. Seeds are fixed, so a failure repeats.
/// </summary>
public sealed class PlaneGeometryTests
{
    // Cases whose answer hangs on less than this (a point on an edge, a path grazing a line's end) are skipped: the
    // references are approximate there by construction.
    private const double Margin = 1e-3;

    [Fact]
    public void Point_in_polygon_agrees_with_the_winding_angle_on_random_simple_polygons()
    {
        var random = new Random(1601);
        var checkedPoints = 0;
        for (var shape = 0; shape < 300; shape++)
        {
            var polygon = StarShaped(random, random.Next(3, 20));
            Assert.Null(PlaneGeometry.FindSelfIntersection(polygon));
            for (var k = 0; k < 50; k++)
            {
                var p = new FramePoint(random.NextDouble(), random.NextDouble());
                if (DistanceToBoundary(polygon, p) < Margin)
                {
                    continue;
                }

                var winding = WindingAngle(polygon, p);
                var inside = Math.Abs(winding) > Math.PI;
                Assert.True(inside == PlaneGeometry.Contains(polygon, p), $"polygon {Show(polygon)}, point {p}: winding {winding}");
                checkedPoints++;
            }
        }

        Assert.True(checkedPoints > 10_000, $"only {checkedPoints} points checked");
    }

    [Fact]
    public void A_point_on_a_shared_edge_is_in_exactly_one_of_two_adjacent_zones()
    {
        FramePoint[] left = [new(0.1, 0.1), new(0.5, 0.1), new(0.5, 0.9), new(0.1, 0.9)];
        FramePoint[] right = [new(0.5, 0.1), new(0.9, 0.1), new(0.9, 0.9), new(0.5, 0.9)];
        for (var y = 0.15; y < 0.9; y += 0.05)
        {
            var p = new FramePoint(0.5, y);
            Assert.True(PlaneGeometry.Contains(left, p) ^ PlaneGeometry.Contains(right, p), $"{p}");
        }
    }

    [Fact]
    public void Crossings_agree_with_walking_the_path_in_small_steps()
    {
        var random = new Random(1602);
        int ins = 0, outs = 0, misses = 0;
        for (var k = 0; k < 20_000; k++)
        {
            var from = Random(random);
            var to = Random(random);
            var p0 = Random(random);
            var p1 = Random(random);
            if (Distance(from, to) < 0.05 || PlaneGeometry.Side(from, to, p0) == 0 || PlaneGeometry.Side(from, to, p1) == 0)
            {
                continue;
            }

            var (expected, ambiguous) = WalkAcross(from, to, p0, p1);
            if (ambiguous)
            {
                continue;
            }

            Assert.True(expected == PlaneGeometry.Crossing(from, to, p0, p1), $"line {from}->{to}, path {p0}->{p1}");
            _ = expected switch { 1 => ins++, -1 => outs++, _ => misses++ };
        }

        // Every outcome was exercised, many times.
        Assert.True(ins > 1000 && outs > 1000 && misses > 1000, $"in {ins}, out {outs}, none {misses}");
    }

    [Fact]
    public void A_line_drawn_left_to_right_counts_downward_crossings_as_in()
    {
        var from = new FramePoint(0.1, 0.5);
        var to = new FramePoint(0.9, 0.5);
        Assert.Equal(1, PlaneGeometry.Crossing(from, to, new(0.5, 0.4), new(0.5, 0.6)));
        Assert.Equal(-1, PlaneGeometry.Crossing(from, to, new(0.5, 0.6), new(0.5, 0.4)));
        // Drawn the other way round, the same movement is out.
        Assert.Equal(-1, PlaneGeometry.Crossing(to, from, new(0.5, 0.4), new(0.5, 0.6)));
        // Passing beyond the line's end is no crossing.
        Assert.Equal(0, PlaneGeometry.Crossing(from, to, new(0.95, 0.4), new(0.95, 0.6)));
    }

    [Fact]
    public void Self_intersections_are_found_and_simple_polygons_pass()
    {
        var random = new Random(1603);
        for (var k = 0; k < 500; k++)
        {
            // A convex polygon of five or more vertices with two non-adjacent ones swapped crosses itself (with four,
            // swapping opposite corners only reverses the winding).
            var n = random.Next(5, 16);
            var convex = Regular(n, random.NextDouble() * Math.PI, 0.3 + (0.15 * random.NextDouble()));
            Assert.Null(PlaneGeometry.FindSelfIntersection(convex));
            var i = random.Next(n);
            var j = (i + 2 + random.Next(n - 3)) % n;
            (convex[i], convex[j]) = (convex[j], convex[i]);
            Assert.NotNull(PlaneGeometry.FindSelfIntersection(convex));
        }

        // A spike that folds back along its own edge, and a polygon touching itself at a vertex.
        Assert.NotNull(PlaneGeometry.FindSelfIntersection([new(0.1, 0.1), new(0.9, 0.1), new(0.5, 0.1), new(0.5, 0.8)]));
        Assert.NotNull(PlaneGeometry.FindSelfIntersection(
            [new(0.1, 0.1), new(0.5, 0.5), new(0.9, 0.1), new(0.9, 0.9), new(0.5, 0.5), new(0.1, 0.9)]));
    }

    [Fact]
    public void Area_is_the_same_whatever_the_winding()
    {
        FramePoint[] square = [new(0.2, 0.2), new(0.6, 0.2), new(0.6, 0.6), new(0.2, 0.6)];
        Assert.Equal(0.16, PlaneGeometry.Area(square), 9);
        Assert.Equal(0.16, PlaneGeometry.Area([.. square.Reverse()]), 9);
    }

    // Random angles around a centre with random radii, sorted by angle: simple, because every gap between
    // neighbouring angles (the wrap-around one included) is under half a turn, so the centre sees every edge.
    private static FramePoint[] StarShaped(Random random, int n)
    {
        var angles = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 * Math.PI).Order().ToArray();
        var gaps = angles.Zip(angles.Skip(1), (a, b) => b - a).Append(angles[0] + (2 * Math.PI) - angles[^1]).ToArray();
        if (gaps.Any(d => d < 1e-3 || d > 0.9 * Math.PI))
        {
            return StarShaped(random, n);
        }

        var centre = new FramePoint(0.3 + (0.4 * random.NextDouble()), 0.3 + (0.4 * random.NextDouble()));
        return [.. angles.Select(a =>
        {
            var r = 0.05 + (0.25 * random.NextDouble());
            return new FramePoint(centre.X + (r * Math.Cos(a)), centre.Y + (r * Math.Sin(a)));
        })];
    }

    private static FramePoint[] Regular(int n, double phase, double radius) =>
        [.. Enumerable.Range(0, n).Select(i => new FramePoint(
            0.5 + (radius * Math.Cos(phase + (2 * Math.PI * i / n))), 0.5 + (radius * Math.Sin(phase + (2 * Math.PI * i / n)))))];

    // The angle the boundary turns around p: ±2π inside a simple polygon, 0 outside.
    private static double WindingAngle(FramePoint[] polygon, FramePoint p)
    {
        var total = 0.0;
        for (var i = 0; i < polygon.Length; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Length];
            var d = Math.Atan2(b.Y - p.Y, b.X - p.X) - Math.Atan2(a.Y - p.Y, a.X - p.X);
            total += d > Math.PI ? d - (2 * Math.PI) : d < -Math.PI ? d + (2 * Math.PI) : d;
        }

        return total;
    }

    // Walks p0→p1 in 4000 steps; a step where the side of the line changes is a crossing when the point there projects
    // inside the segment. Ambiguous when the crossing is within the margin of an end of the line.
    private static (int Direction, bool Ambiguous) WalkAcross(FramePoint from, FramePoint to, FramePoint p0, FramePoint p1)
    {
        const int Steps = 4000;
        var previous = p0;
        for (var s = 1; s <= Steps; s++)
        {
            var t = (double)s / Steps;
            var p = new FramePoint(p0.X + ((p1.X - p0.X) * t), p0.Y + ((p1.Y - p0.Y) * t));
            var before = Math.Sign(PlaneGeometry.Cross(from, to, previous));
            var now = Math.Sign(PlaneGeometry.Cross(from, to, p));
            if (before != 0 && now != 0 && before != now)
            {
                var mid = new FramePoint((previous.X + p.X) / 2, (previous.Y + p.Y) / 2);
                var length = Distance(from, to);
                var u = (((mid.X - from.X) * (to.X - from.X)) + ((mid.Y - from.Y) * (to.Y - from.Y))) / (length * length);
                var ambiguous = Math.Abs(u) * length < Margin || Math.Abs(u - 1) * length < Margin;
                return (u >= 0 && u <= 1 ? now : 0, ambiguous);
            }

            previous = p;
        }

        return (0, false);
    }

    private static double DistanceToBoundary(FramePoint[] polygon, FramePoint p)
    {
        var best = double.MaxValue;
        for (var i = 0; i < polygon.Length; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Length];
            var length2 = ((b.X - a.X) * (b.X - a.X)) + ((b.Y - a.Y) * (b.Y - a.Y));
            var t = Math.Clamp((((p.X - a.X) * (b.X - a.X)) + ((p.Y - a.Y) * (b.Y - a.Y))) / length2, 0, 1);
            best = Math.Min(best, Distance(p, new FramePoint(a.X + (t * (b.X - a.X)), a.Y + (t * (b.Y - a.Y)))));
        }

        return best;
    }

    private static FramePoint Random(Random random) => new(random.NextDouble(), random.NextDouble());

    private static double Distance(FramePoint a, FramePoint b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    private static string Show(FramePoint[] polygon) => string.Join(" ", polygon.Select(p => $"({p.X:0.###},{p.Y:0.###})"));
}
