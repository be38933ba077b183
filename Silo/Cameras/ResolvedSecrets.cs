namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// The values a camera URL's references resolved to, each with its reference text. Every message that may quote
/// the resolved URL (FFmpeg's, the probe's, an exception's) passes through <see cref="Scrub"/>, which puts the
/// reference back where a value (raw or percent-encoded) shows: <see cref="Contracts.Cameras.UrlRedaction"/> masks
/// userinfo and secret-named parameters, but a secret in a path or an innocently named parameter would pass it.
/// </summary>
public sealed class ResolvedSecrets
{
    private readonly KeyValuePair<string, string>[] _values;

    public ResolvedSecrets(IEnumerable<KeyValuePair<string, string>> valueToReference)
    {
        ArgumentNullException.ThrowIfNull(valueToReference);
        var values = new List<KeyValuePair<string, string>>();
        foreach (var pair in valueToReference)
        {
            if (!string.IsNullOrEmpty(pair.Key))
            {
                values.Add(pair);
            }
        }

        // Longest first: a value that contains another is replaced whole.
        values.Sort((a, b) => b.Key.Length.CompareTo(a.Key.Length));
        _values = [.. values];
    }

    public static ResolvedSecrets None { get; } = new([]);

    public bool IsEmpty => _values.Length == 0;

    /// <summary><paramref name="text"/> with every resolved value replaced by the reference it came from.</summary>
    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        foreach (var (value, reference) in _values)
        {
            text = text.Replace(value, reference, StringComparison.Ordinal);
        }

        return text;
    }

    public override string ToString() => $"{_values.Length} resolved secret value(s)";
}
