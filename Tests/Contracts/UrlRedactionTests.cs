using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Tests.Contracts;

/// <summary>
/// Property test of <see cref="UrlRedaction"/> over generated URL shapes: every secret-bearing form (userinfo, also
/// with a space or an '@' in the password; query and fragment parameters named like secrets; a camera URL nested in
/// a parameter) × the secret percent-encoded or not × the parameter name's case and encoding × schemes rtsp, rtsps,
/// http, https and mistyped ones, each as a whole URL and quoted inside an error message. The secret never shows,
/// raw or decoded; the host and the message around the URL do.
/// </summary>
public sealed class UrlRedactionTests
{
    private const string Host = "127.0.0.1:8554";

    private static readonly string[] Separators = ["://", ":/", "//", ":///"];

    private static readonly string[] Schemes = ["rtsp", "rtsps", "http", "https", "RTSP", "htps"];

    private static readonly string[] SecretNames =
        ["password", "pwd", "pass", "passwd", "secret", "token", "key", "auth", "apikey", "access_token", "api_key", "user", "username", "X-Api-Key"];

    /// <summary>Secrets made of distinctive pieces joined by the characters that broke redaction: a space, an '@', ':' and '#'.</summary>
    private static readonly string[] Secrets = ["Qz7vKp3w", "Qz7v Kp3w", "Qz7v@Kp3w", "Qz7v Kp3w@Jm5x", "Qz7v:Kp3w", "Qz7v#Kp3w", "Qz7v%Kp3w"];

    [Fact]
    public void No_generated_secret_bearing_url_shows_its_secret()
    {
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var (url, secret, hostShown) in Shapes())
        {
            foreach (var text in new[] { url, $"cannot open '{url}': Connection refused", $"malformed URL '{url}'.", url + "\nnext line" })
            {
                checkedCount++;
                var redacted = UrlRedaction.Redact(text);
                if (Leaks(redacted, secret))
                {
                    failures.Add($"{text}\n  -> {redacted}");
                }
                else if (hostShown && text == url && !redacted.Contains("127.0.0.1", StringComparison.Ordinal))
                {
                    failures.Add($"{text}\n  -> {redacted} (the host should stay visible)");
                }
                else if (text.EndsWith("Connection refused", StringComparison.Ordinal) && !redacted.EndsWith("': Connection refused", StringComparison.Ordinal))
                {
                    failures.Add($"{text}\n  -> {redacted} (the message after the quoted URL should stay)");
                }
                else if (UrlRedaction.Redact(redacted) != redacted)
                {
                    failures.Add($"{text}\n  -> {redacted} (redacting again changed it)");
                }
            }
        }

        Assert.True(checkedCount > 4000, $"only {checkedCount} shapes");
        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedCount} leaked:\n" + string.Join('\n', failures.Take(40)));
    }

    [Theory]
    [InlineData("rtsp://127.0.0.1:8554/cam?channel=1&subtype=0")]
    [InlineData("http://camera.local/video.mjpg?fps=10&resolution=640x480")]
    [InlineData("rtsps://[::1]:322/stream")]
    [InlineData("models/demo.mp4")]
    [InlineData("/srv/media/clip 1.mp4")]
    [InlineData("cannot connect to 127.0.0.1:1: no answer within 2 s (camera off or unreachable?)")]
    [InlineData("watchdog: no frame for 5.0 s; the stream stalled")]
    public void Text_without_credentials_is_left_alone(string text) => Assert.Equal(text, UrlRedaction.Redact(text));

    [Theory]
    [InlineData("rtsp://u:p@ss w@host/x", "rtsp://***@host/x")]
    [InlineData("rtsp//user:pass@host/x", "rtsp//***@host/x")]
    [InlineData("rtsp:/user:pass@host/x", "rtsp:/***@host/x")]
    [InlineData("rtsp://host/x?user=admin&pass=hunter2", "rtsp://host/x?user=***&pass=***")]
    [InlineData("http://host/x?PassWord=a%20b&fps=5", "http://host/x?PassWord=***&fps=5")]
    [InlineData("/media/rtsp/u:p@host/x", "/media/rtsp/***@host/x")]
    public void Known_shapes_redact_as_documented(string url, string expected) => Assert.Equal(expected, UrlRedaction.Redact(url));

    /// <summary>Every shape: the URL, the secret it carries, and whether the host must stay visible.</summary>
    private static IEnumerable<(string Url, string Secret, bool HostShown)> Shapes()
    {
        foreach (var scheme in Schemes)
        {
            foreach (var separator in Separators)
            {
                foreach (var secret in Secrets)
                {
                    foreach (var encoded in new[] { false, true })
                    {
                        var shown = encoded ? Uri.EscapeDataString(secret) : secret;
                        var prefix = scheme + separator;
                        yield return ($"{prefix}admin:{shown}@{Host}/live", secret, true);
                        yield return ($"{prefix}{shown}@{Host}/live", secret, true);
                        yield return ($"{prefix}admin:{shown}@{Host}", secret, true);
                        foreach (var name in SecretNames)
                        {
                            foreach (var written in NameForms(name))
                            {
                                yield return ($"{prefix}{Host}/live?{written}={shown}", secret, true);
                                yield return ($"{prefix}{Host}/live?channel=1&{written}={shown}&subtype=0", secret, true);
                                yield return ($"{prefix}{Host}/live#{written}={shown}", secret, true);
                            }
                        }

                        yield return ($"{prefix}{Host}/live?user=admin&pass={shown}", secret, true);
                        yield return ($"{prefix}{Host}/live?password%3D{Uri.EscapeDataString(secret)}", secret, true);
                        var nested = $"rtsp://admin:{Uri.EscapeDataString(secret)}@10.0.0.9/live";
                        yield return ($"{prefix}{Host}/proxy?src={Uri.EscapeDataString(nested)}", secret, true);
                    }
                }
            }

            // A whole URL percent-encoded, and user:pass@ with no separator at all.
            foreach (var secret in Secrets)
            {
                yield return (Uri.EscapeDataString($"{scheme}://admin:{Uri.EscapeDataString(secret)}@{Host}/live"), secret, false);
                yield return ($"{scheme}:admin:{Uri.EscapeDataString(secret)}@{Host}/live", secret, true);
            }
        }

        foreach (var secret in Secrets)
        {
            yield return ($"admin:{Uri.EscapeDataString(secret)}@{Host}/live", secret, true);
            yield return ($"/srv/media/rtsp/admin:{secret}@{Host}/live", secret, true);
        }
    }

    /// <summary>The name as written: lower, UPPER, Capitalised, and its first letter percent-encoded.</summary>
    private static IEnumerable<string> NameForms(string name)
    {
        yield return name.ToLowerInvariant();
        yield return name.ToUpperInvariant();
        yield return char.ToUpperInvariant(name[0]) + name[1..];
        yield return $"%{(int)name[0]:X2}{name[1..]}";
    }

    /// <summary>A piece of the secret (split at the characters it was built with) in the text, raw or decoded.</summary>
    private static bool Leaks(string redacted, string secret)
    {
        var decoded = Uri.UnescapeDataString(redacted);
        foreach (var piece in secret.Split([' ', '@', ':', '#', '%'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (redacted.Contains(piece, StringComparison.OrdinalIgnoreCase) || decoded.Contains(piece, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
