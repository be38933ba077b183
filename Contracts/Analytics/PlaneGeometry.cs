namespace VideoAnalytics.Contracts.Analytics;

/// <summary>
/// The geometry zones and lines need, in frame coordinates (y grows downwards). Used to validate an operator's
/// zones and lines (gateway) and, per tracked object and frame, to decide membership and crossings (silo), so
/// it allocates nothing and works on spans.
/// </summary>
public static class PlaneGeometry
{
    /// <summary>
    /// Twice the signed area of the triangle (a, b, p): positive when p lies on the right-hand side of a→b as seen on
    /// the picture (y down), negative on the left, zero on the line through a and b.
    /// </summary>
    public static double Cross(FramePoint a, FramePoint b, FramePoint p) =>
        ((b.X - a.X) * (p.Y - a.Y)) - ((b.Y - a.Y) * (p.X - a.X));

    /// <summary>Which side of the line through a→b p is on: +1 right-hand, -1 left-hand, 0 on it.</summary>
    public static int Side(FramePoint a, FramePoint b, FramePoint p) => Math.Sign(Cross(a, b, p));

    /// <summary>
    /// Whether p is inside the polygon, by the even-odd rule with half-open edges: a point on the boundary is inside
    /// for some edges and outside for others, but never counted twice, and the answer is the same every time, so an
    /// object standing still on a zone's edge does not flicker in and out.
    /// </summary>
    public static bool Contains(ReadOnlySpan<FramePoint> polygon, FramePoint p)
    {
        var inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            var a = polygon[i];
            var b = polygon[j];
            if ((a.Y > p.Y) != (b.Y > p.Y))
            {
                // The x where this edge meets the horizontal through p; the ray goes right.
                var x = a.X + ((p.Y - a.Y) * (b.X - a.X) / (b.Y - a.Y));
                if (p.X < x)
                {
                    inside = !inside;
                }
            }
        }

        return inside;
    }

    /// <summary>The polygon's area (positive whatever its winding).</summary>
    public static double Area(ReadOnlySpan<FramePoint> polygon)
    {
        var twice = 0.0;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            twice += (polygon[j].X * polygon[i].Y) - (polygon[i].X * polygon[j].Y);
        }

        return Math.Abs(twice) / 2;
    }

    /// <summary>Whether the closed segments a–b and c–d share a point (touching and collinear overlap included).</summary>
    public static bool SegmentsIntersect(FramePoint a, FramePoint b, FramePoint c, FramePoint d)
    {
        var d1 = Side(c, d, a);
        var d2 = Side(c, d, b);
        var d3 = Side(a, b, c);
        var d4 = Side(a, b, d);
        if (d1 * d2 < 0 && d3 * d4 < 0)
        {
            return true;
        }

        return (d1 == 0 && OnSegment(c, d, a)) || (d2 == 0 && OnSegment(c, d, b))
            || (d3 == 0 && OnSegment(a, b, c)) || (d4 == 0 && OnSegment(a, b, d));
    }

    /// <summary>
    /// The first pair of edges (by index; edge i runs from vertex i to vertex i+1) that meet where they should not:
    /// non-adjacent edges that touch, or adjacent ones that fold back over each other. Null for a simple polygon.
    /// </summary>
    public static (int First, int Second)? FindSelfIntersection(ReadOnlySpan<FramePoint> polygon)
    {
        var n = polygon.Length;
        for (var i = 0; i < n; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % n];
            for (var j = i + 1; j < n; j++)
            {
                var c = polygon[j];
                var d = polygon[(j + 1) % n];
                var adjacent = j == i + 1 || (i == 0 && j == n - 1);
                if (!adjacent)
                {
                    if (SegmentsIntersect(a, b, c, d))
                    {
                        return (i, j);
                    }

                    continue;
                }

                // Adjacent edges share one vertex; they may not also run back along each other.
                var (shared, far1, far2) = j == i + 1 ? (b, a, d) : (a, b, c);
                if (Side(far1, shared, far2) == 0 && Dot(far1, shared, far2) > 0)
                {
                    return (i, j);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Whether moving from p0 to p1 crosses the segment from→to, and which way: +1 from its left-hand side to its
    /// right-hand side (<c>in</c>), -1 the other way (<c>out</c>), 0 no crossing. p0 and p1 must lie strictly on
    /// either side of the line (callers remember the last side an object was definitely on); the crossing point must
    /// lie on the segment, ends included, so passing around an end of the line does not count.
    /// </summary>
    public static int Crossing(FramePoint from, FramePoint to, FramePoint p0, FramePoint p1)
    {
        var s0 = Side(from, to, p0);
        var s1 = Side(from, to, p1);
        if (s0 == 0 || s1 == 0 || s0 == s1)
        {
            return 0;
        }

        var t0 = Side(p0, p1, from);
        var t1 = Side(p0, p1, to);
        return t0 * t1 > 0 ? 0 : s1;
    }

    // Whether p, known to be collinear with a–b, lies within its bounding box.
    private static bool OnSegment(FramePoint a, FramePoint b, FramePoint p) =>
        p.X >= Math.Min(a.X, b.X) && p.X <= Math.Max(a.X, b.X) && p.Y >= Math.Min(a.Y, b.Y) && p.Y <= Math.Max(a.Y, b.Y);

    // (a - o) · (b - o): positive when a and b lie the same way from o.
    private static double Dot(FramePoint a, FramePoint o, FramePoint b) => ((a.X - o.X) * (b.X - o.X)) + ((a.Y - o.Y) * (b.Y - o.Y));
}
