using System.Text.RegularExpressions;

namespace VideoAnalytics.Contracts.Cameras;

/// <summary>Removes credentials from camera URLs before they reach logs, status, metrics or API output.</summary>
public static partial class UrlRedaction
{
    public const string Mask = "***";

    /// <summary><c>rtsp://user:pass@host/x</c> → <c>rtsp://***@host/x</c>; also masks credentials inside free text.</summary>
    public static string Redact(string? text) =>
        string.IsNullOrEmpty(text) ? text ?? string.Empty : Credentials().Replace(text, m => m.Groups["scheme"].Value + Mask + "@");

    // scheme://userinfo@ where userinfo has no '/', '@' or whitespace.
    [GeneratedRegex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^/@\s]+@")]
    private static partial Regex Credentials();
}
