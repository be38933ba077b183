namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// What a list of classes of interest means wherever one is given (a camera's, a zone's, a line's): the classes named,
/// case-insensitively, and every class when it is empty. Checked per detection on the pipeline's hot path, so a
/// plain loop (no LINQ, no allocation).
/// </summary>
public static class ClassList
{
    public static bool Keeps(IReadOnlyList<string> classes, string label)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Count == 0)
        {
            return true;
        }

        for (var i = 0; i < classes.Count; i++)
        {
            if (string.Equals(classes[i], label, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
