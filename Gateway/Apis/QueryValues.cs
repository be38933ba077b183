using System.Globalization;
using System.Text.RegularExpressions;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>Parses the query values several routes share (times, durations, limits), each failure naming the field.</summary>
public static partial class QueryValues
{
    /// <summary>An ISO 8601 time (<c>2026-11-21T08:00:00Z</c>); no offset means UTC. Empty gives <paramref name="fallback"/>.</summary>
    public static bool TryTime(IQueryCollection query, string name, DateTimeOffset fallback, out DateTimeOffset value, out string? error) =>
        TryValue(query, name, fallback, out value, out error, $"{name} must be an ISO 8601 time such as 2026-11-21T08:00:00Z",
            (string text, out DateTimeOffset parsed) =>
            {
                // The shape first: DateTimeOffset.TryParse alone takes "1.5" for the 5th of January and "-1" for
                // something else again, and a typo must not silently become some other time.
                parsed = default;
                return text.Length <= 64
                    && IsoTime().IsMatch(text)
                    && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out parsed);
            });

    /// <summary>A whole number in [min, max]; empty gives <paramref name="fallback"/>.</summary>
    public static bool TryInt(IQueryCollection query, string name, int fallback, int min, int max, out int value, out string? error) =>
        TryValue(query, name, fallback, out value, out error, $"{name} must be a whole number between {min} and {max}",
            (string text, out int parsed) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out parsed)
                && parsed >= min && parsed <= max);

    /// <summary>A number in [min, max]; empty gives <paramref name="fallback"/>.</summary>
    public static bool TryDouble(IQueryCollection query, string name, double fallback, double min, double max, out double value, out string? error) =>
        TryValue(query, name, fallback, out value, out error,
            $"{name} must be a number between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}",
            (string text, out double parsed) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out parsed)
                && double.IsFinite(parsed) && parsed >= min && parsed <= max);

    /// <summary><c>true</c> or <c>false</c> (any case); empty gives <paramref name="fallback"/>.</summary>
    public static bool TryBool(IQueryCollection query, string name, bool fallback, out bool value, out string? error) =>
        TryValue(query, name, fallback, out value, out error, $"{name} must be true or false",
            (string text, out bool parsed) => bool.TryParse(text, out parsed));

    /// <summary>A duration written <c>10s</c>, <c>5m</c>, <c>1h</c> (or a bare number of seconds).</summary>
    public static bool TryDuration(string text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 16)
        {
            return false;
        }

        var unit = text[^1];
        var (digits, seconds) = unit switch
        {
            's' => (text[..^1], 1L),
            'm' => (text[..^1], 60L),
            'h' => (text[..^1], 3600L),
            _ => (text, 1L),
        };
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0 || count > 366L * 24 * 3600 / seconds)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(count * seconds);
        return true;
    }

    private delegate bool Parser<T>(string text, out T value);

    // The one place that decides what "absent" means (fallback) and that a failure names the field.
    private static bool TryValue<T>(IQueryCollection query, string name, T fallback, out T value, out string? error, string expected, Parser<T> parse)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = query[name].ToString();
        error = null;
        value = fallback;
        if (text.Length == 0)
        {
            return true;
        }

        if (!parse(text, out value))
        {
            value = fallback;
            error = expected;
            return false;
        }

        return true;
    }

    // 2026-11-21, 2026-11-21T08:00, 2026-11-21T08:00:00(.fraction), then optionally Z or an offset.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,7})?)?(?:Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();
}
