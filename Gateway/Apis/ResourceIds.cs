using System.Text.RegularExpressions;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>
/// The one rule for the ids operators give cameras and sinks: they end up in URLs, stream keys, metric labels and MQTT
/// topic levels, so they are short and plain.
/// </summary>
public static partial class ResourceIds
{
    public const string Rule = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>
    /// The id a create, replace or edit request is about: the body's, else the URL's, else the existing resource's; with
    /// the reason it is unusable (missing, breaking <see cref="Rule"/>, or a body id that differs from the URL's), or null.
    /// </summary>
    public static (string? Id, string? Error) Resolve(string? bodyId, string? routeId, string? existingId)
    {
        var id = bodyId ?? routeId ?? existingId;
        if (string.IsNullOrEmpty(id))
        {
            return (id, "id is required");
        }

        if (!IsValid(id))
        {
            return (id, $"id must match {Rule}");
        }

        return routeId is not null && bodyId is not null && bodyId != routeId
            ? (id, $"body id '{bodyId}' differs from the URL's '{routeId}'")
            : (id, null);
    }

    [GeneratedRegex(Rule)]
    private static partial Regex Pattern();
}
