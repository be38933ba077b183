using System.Globalization;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>Parses the query values several routes share (times, durations, limits), each failure naming the field.</summary>
public static class QueryValues
{
    /// <summary>An ISO 8601 time (<c>2026-11-21T08:00:00Z</c>); no offset means UTC. Empty gives <paramref name="fallback"/>.</summary>
    public static bool TryTime(IQueryCollection query, string name, DateTimeOffset fallback, out DateTimeOffset value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = query[name].ToString();
        error = null;
        value = fallback;
        if (text.Length == 0)
        {
            return true;
        }

        if (text.Length > 64 || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            error = $"{name} must be an ISO 8601 time such as 2026-11-21T08:00:00Z";
            return false;
        }

        return true;
    }

    /// <summary>A whole number in [min, max]; empty gives <paramref name="fallback"/>.</summary>
    public static bool TryInt(IQueryCollection query, string name, int fallback, int min, int max, out int value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = query[name].ToString();
        error = null;
        value = fallback;
        if (text.Length == 0)
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"{name} must be a whole number between {min} and {max}";
            return false;
        }

        return true;
    }

    /// <summary>A number in [min, max]; empty gives <paramref name="fallback"/>.</summary>
    public static bool TryDouble(IQueryCollection query, string name, double fallback, double min, double max, out double value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = query[name].ToString();
        error = null;
        value = fallback;
        if (text.Length == 0)
        {
            return true;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !(value >= min && value <= max))
        {
            error = $"{name} must be a number between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}";
            return false;
        }

        return true;
    }

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
}
