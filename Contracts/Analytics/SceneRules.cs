using System.Globalization;
using System.Text.RegularExpressions;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Contracts.Analytics;

/// <summary>
/// What makes a camera's zones and lines acceptable, with an error per bad field (keys such as
/// <c>zones[1].polygon</c>) for a 400 ProblemDetails. Limits keep the per-frame work bounded: at most 32 zones and 32
/// lines, 64 vertices a zone.
/// </summary>
public static partial class SceneRules
{
    public const int MaxZones = 32;
    public const int MaxLines = 32;
    public const int MaxVertices = 64;

    /// <summary>A zone smaller than this share of the frame (0.01 %, about 10×10 px of 1080p) is a slip of the mouse.</summary>
    public const double MinZoneArea = 1e-4;

    /// <summary>A line shorter than 1 % of the frame's width or height could not be crossed reliably.</summary>
    public const double MinLineLength = 0.01;

    // Vertices closer than this are the same point.
    private const double SamePoint = 1e-6;

    /// <summary>
    /// Adds an error for every rule (keeping an error already there for the same field) <paramref name="zones"/> and <paramref name="lines"/> break. Names are unique
    /// across both (events and queries name a zone or a line by it); classes must be ones the model knows
    /// (<paramref name="labels"/>, background first, as models list them; null skips the check) and, when the camera
    /// keeps only some classes, among those.
    /// </summary>
    public static void Validate(
        IReadOnlyList<ZoneSpec> zones, IReadOnlyList<LineSpec> lines, IReadOnlyList<string>? labels,
        IReadOnlyList<string> cameraClasses, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(cameraClasses);
        ArgumentNullException.ThrowIfNull(errors);
        if (zones.Count > MaxZones)
        {
            errors.TryAdd("zones", [$"at most {MaxZones} zones a camera"]);
        }

        if (lines.Count > MaxLines)
        {
            errors.TryAdd("lines", [$"at most {MaxLines} lines a camera"]);
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < zones.Count; i++)
        {
            var zone = zones[i];
            var field = Field("zones", i);
            CheckName(zone.Name, field, names, errors);
            CheckPolygon(zone.Polygon, field + ".polygon", errors);
            CheckClasses(zone.Classes, field + ".classes", labels, cameraClasses, errors);
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var field = Field("lines", i);
            CheckName(line.Name, field, names, errors);
            if (!line.From.IsInFrame)
            {
                errors.TryAdd(field + ".from", [OutsideFrame(line.From)]);
            }

            if (!line.To.IsInFrame)
            {
                errors.TryAdd(field + ".to", [OutsideFrame(line.To)]);
            }
            else if (line.From.IsInFrame && Distance(line.From, line.To) < MinLineLength)
            {
                errors.TryAdd(field + ".to", [$"the line is shorter than {MinLineLength.ToString(CultureInfo.InvariantCulture)} of the frame: from and to must be apart"]);
            }

            CheckClasses(line.Classes, field + ".classes", labels, cameraClasses, errors);
        }
    }

    private static void CheckName(string? name, string field, HashSet<string> names, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
        {
            errors.TryAdd(field + ".name", ["a name is 1–64 letters, digits, spaces, '_', '.' or '-', starting and ending with a letter or digit"]);
        }
        else if (!names.Add(name))
        {
            errors.TryAdd(field + ".name", [$"the name '{name}' is already used by another zone or line of this camera"]);
        }
    }

    private static void CheckPolygon(IReadOnlyList<FramePoint>? polygon, string field, IDictionary<string, string[]> errors)
    {
        if (polygon is null || polygon.Count < 3 || polygon.Count > MaxVertices)
        {
            errors.TryAdd(field, [$"a polygon has 3 to {MaxVertices} points [x, y]"]);
            return;
        }

        var points = polygon.ToArray();
        for (var i = 0; i < points.Length; i++)
        {
            if (!points[i].IsInFrame)
            {
                errors.TryAdd(field, [$"point {i} {OutsideFrame(points[i])}"]);
                return;
            }

            if (Distance(points[i], points[(i + 1) % points.Length]) < SamePoint)
            {
                errors.TryAdd(field, [$"points {i} and {(i + 1) % points.Length} are the same point"]);
                return;
            }
        }

        if (PlaneGeometry.FindSelfIntersection(points) is { } edges)
        {
            errors.TryAdd(field, [$"the polygon crosses itself: edge {edges.First} (point {edges.First} to {(edges.First + 1) % points.Length}) meets edge {edges.Second} (point {edges.Second} to {(edges.Second + 1) % points.Length})"]);
        }
        else if (PlaneGeometry.Area(points) < MinZoneArea)
        {
            errors.TryAdd(field, [$"the polygon encloses (almost) no area: it must cover at least {MinZoneArea.ToString(CultureInfo.InvariantCulture)} of the frame"]);
        }
    }

    private static void CheckClasses(
        IReadOnlyList<string>? classes, string field, IReadOnlyList<string>? labels, IReadOnlyList<string> cameraClasses,
        IDictionary<string, string[]> errors)
    {
        foreach (var c in classes ?? [])
        {
            if (labels is not null && (string.IsNullOrWhiteSpace(c) || !labels.Skip(1).Contains(c, StringComparer.OrdinalIgnoreCase)))
            {
                errors.TryAdd(field, [$"unknown class '{c}'; the model knows: {string.Join(", ", labels.Skip(1))}"]);
                return;
            }

            if (!ClassList.Keeps(cameraClasses, c))
            {
                errors.TryAdd(field, [$"class '{c}' is not among the camera's classes ({string.Join(", ", cameraClasses)}), so it would never be seen"]);
                return;
            }
        }
    }

    private static string Field(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");

    private static string OutsideFrame(FramePoint p) =>
        string.Create(CultureInfo.InvariantCulture, $"[{p.X}, {p.Y}] is outside the frame: x and y go from 0 to 1");

    private static double Distance(FramePoint a, FramePoint b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9 _.-]{0,62}[A-Za-z0-9])?$")]
    private static partial Regex NamePattern();
}
