namespace VideoAnalytics.Inference.Evaluation;

/// <summary>An axis-aligned box in frame pixels, corners (X1, Y1) top-left and (X2, Y2) bottom-right.</summary>
/// <remarks>
/// Coordinates are continuous: a box from 10 to 20 is 10 pixels wide. The old VOC devkit added 1 to
/// widths because it treated coordinates as inclusive pixel indices; our detectors and ground truth both
/// produce sub-pixel floats, where the +1 would inflate small boxes and bias IoU, so it is not used.
/// </remarks>
public readonly record struct PixelBox(double X1, double Y1, double X2, double Y2)
{
    public double Width => Math.Max(0, X2 - X1);

    public double Height => Math.Max(0, Y2 - Y1);

    /// <summary>(x2 − x1)·(y2 − y1) in square pixels, no +1; 0 for a degenerate box.</summary>
    public double Area => Width * Height;

    /// <summary>Intersection over union on continuous coordinates; 0 when the union is empty.</summary>
    public static double IntersectionOverUnion(PixelBox a, PixelBox b)
    {
        var w = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1);
        var h = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        if (w <= 0 || h <= 0)
        {
            return 0;
        }

        var intersection = w * h;
        var union = a.Area + b.Area - intersection;
        return union > 0 ? intersection / union : 0;
    }
}
