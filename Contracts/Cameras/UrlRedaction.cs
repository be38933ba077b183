using System.Text;
using System.Text.RegularExpressions;

namespace VideoAnalytics.Contracts.Cameras;

/// <summary>Removes credentials from camera URLs before they reach logs, status, metrics or API output.</summary>
/// <remarks>
/// Errs on the side of masking too much: a URL typed by a person may be malformed in any way, and what it carries
/// is a password. Three forms are masked, in whole URLs and inside free text (error messages that quote a URL):
/// <list type="bullet">
/// <item>userinfo after a scheme, also a mistyped one (<c>rtsp://</c>, <c>rtsp:/</c>, <c>rtsp//</c>, <c>rtsp:///</c>):
/// everything up to the last <c>@</c> before the next <c>/</c>, so a password with a space or an <c>@</c> goes too;</item>
/// <item><c>user:pass@</c> with no scheme separator at all (<c>rtsp:u:p@host</c>, <c>u:p@host</c>, a mistyped URL
/// resolved as a file path);</item>
/// <item>query or fragment parameters whose (percent-decoded) name says secret: password, passwd, pwd, pass, secret,
/// token, auth, key/apikey, user/usr, login, credential, signature, session, sig, p, u; and any parameter whose decoded value
/// itself carries credentials (a camera URL passed to a proxy).</item>
/// </list>
/// A password or parameter value that is only secret references (<c>${env:VA_CAMERA_PW}</c>, <c>${file:door}</c>,
/// resolved by the silo when it opens the camera) is shown as written: it names where the secret lives, not the
/// secret, and an operator needs to see which one a camera uses. Anything else beside a reference is masked as usual.
/// </remarks>
public static partial class UrlRedaction
{
    public const string Mask = "***";

    private static readonly string[] SecretWords = ["pass", "pwd", "secret", "token", "auth", "key", "user", "login", "credential", "signature", "session"];

    /// <summary><c>rtsp://user:pass@host/x?token=t</c> → <c>rtsp://***@host/x?token=***</c>; also masks credentials inside free text.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var redacted = SchemeUserInfo().Replace(text, m => ReferenceUserInfo().IsMatch(m.Groups["info"].Value) ? m.Value : m.Groups["scheme"].Value + Mask + "@");
        redacted = BareUserInfo().Replace(redacted, m => ReferenceUserInfo().IsMatch(m.Value.AsSpan(0, m.Length - 1)) ? m.Value : Mask + "@");
        redacted = QueryParameter().Replace(redacted, MaskParameter);

        // A whole URL percent-encoded (rtsp%3A%2F%2Fu%3Ap%40host) hides its userinfo from the rules above: when the
        // decoded text still carries credentials, show it decoded and redacted. Decoding never lengthens the text.
        if (redacted.Contains('%', StringComparison.Ordinal))
        {
            var decoded = Uri.UnescapeDataString(redacted);
            if (decoded.Length < redacted.Length && Redact(decoded) is var clean && clean != decoded)
            {
                return clean;
            }
        }

        return redacted;
    }

    private static string MaskParameter(Match match)
    {
        var name = match.Groups["name"].Value;
        var value = match.Groups["value"].Value;
        if (value.Length == 0 || value == Mask || References().IsMatch(value))
        {
            return match.Value;
        }

        // The value is masked when the name says secret, or when the value, decoded, is itself a URL with secrets;
        // a value never gets shorter than the text it came from, so this recursion ends.
        var decoded = Decode(value);
        var secret = IsSecretName(Decode(name)) || Redact(decoded) != decoded || (decoded != value && Redact(value) != value);
        return secret ? name + match.Groups["eq"].Value + Mask : match.Value;
    }

    private static bool IsSecretName(string name)
    {
        var letters = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                letters.Append(char.ToLowerInvariant(c));
            }
        }

        var normalized = letters.ToString();
        if (normalized is "sig" or "pw" or "p" or "u" or "usr")
        {
            return true;
        }

        foreach (var word in SecretWords)
        {
            if (normalized.Contains(word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // Percent-decoding as a server would see it ('+' is a space in a query); malformed escapes stay as they are.
    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    // scheme, then "://" or a mistyped ":/", ":///", "//"; then everything up to the last '@' before a '/' or line end.
    [GeneratedRegex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*(?::/{1,3}|/{2,3}))(?<info>[^/\r\n]*)@")]
    private static partial Regex SchemeUserInfo();

    // "user:pass@" with no "//": a token (no blanks, slashes, quotes), a colon not followed by a blank, up to the
    // last '@' before a '/'. "rtsp:u:p@h" loses its scheme with the credentials, which is the safe way round.
    [GeneratedRegex(@"[^\s/@:'""`]+:(?!\s)[^/\r\n]*@")]
    private static partial Regex BareUserInfo();

    // A query or fragment parameter: name, '=' (or an encoded %3D), value up to '&', a line end, or a closing quote
    // (one followed by the end, a blank or punctuation), so "cannot open 'http://h/x?token=t': refused" keeps its reason.
    [GeneratedRegex(@"(?<=[?&#])(?<name>[^=&#?/\s'""`<>]+)(?<eq>=|%3[dD])(?<value>(?:(?!['""`](?:$|[\s:;,.)\]]))[^&\r\n])*)")]
    private static partial Regex QueryParameter();

    // Only secret references, nothing else: a value shown as written.
    [GeneratedRegex(@"^(?:\$\{(?:env|file):[A-Za-z0-9._-]+\})+$")]
    private static partial Regex References();

    // Userinfo whose password is only references (a plain or referenced user before the first ':' outside a
    // reference), or that is only references (a token as user): shown as written.
    [GeneratedRegex(@"^(?:(?:\$\{(?:env|file):[A-Za-z0-9._-]+\})+|(?:\$\{(?:env|file):[A-Za-z0-9._-]+\}|[^:@${}\s])*:(?:\$\{(?:env|file):[A-Za-z0-9._-]+\})+)$")]
    private static partial Regex ReferenceUserInfo();
}
