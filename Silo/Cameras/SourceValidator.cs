using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// Decides whether a camera URL may be opened and what kind of source it is. Used by the camera grain before every
/// open and by the gateway to answer 400 with the reason. Error messages never contain credentials.
/// </summary>
/// <remarks>
/// Files are the risky kind: a camera URL must not become a way to read any file the service can see. A path is
/// accepted only when, after resolving <c>..</c> and symbolic links in every existing component, it lies inside a
/// configured media root (itself resolved the same way). A file that does not exist yet passes: it may be copied
/// there later, and the camera then retries with backoff. A relative path is resolved against the working
/// directory, as relative media roots (<c>models</c>) and <c>Demo:Url</c> are: <c>models/demo.mp4</c> is the file
/// that <c>make run</c>'s media root <c>models</c> holds. The camera grain validates again before every open, with
/// the same rule, so what was accepted is what is opened.
/// Network URLs whose host is a link-local address or a cloud metadata name are refused unless allowed
/// (<see cref="LinkLocalAddresses"/>); names that resolve there are caught by <see cref="SourceProbe"/>.
/// Secret references (<c>${env:VA_CAMERA_…}</c>, <c>${file:…}</c>: <see cref="CameraSecretResolver"/>) are resolved
/// here, in network URLs only, and the rest is checked on the resolved URL; messages quote the URL as written.
/// Since validation runs before every open, each open reads the secret afresh (a rotated password is picked up on
/// the next reconnect).
/// </remarks>
public static class SourceValidator
{
    private const string Accepted = "use rtsp://, rtsps://, http(s):// or a file under a configured media root";
    private const int MaxLinkHops = 40;

    /// <summary>Validates with the media roots, link-local rule and secrets folder of <paramref name="options"/>.</summary>
    public static SourceValidationResult Validate(string? url, CameraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Validate(url, options.MediaRoots, options.AllowLinkLocal, new CameraSecretResolver(options.SecretsDirectory));
    }

    /// <summary>Validates <paramref name="url"/> against <paramref name="mediaRoots"/> (files) and the link-local
    /// rule (<paramref name="allowLinkLocal"/>); <paramref name="secrets"/> resolves secret references (null:
    /// <see cref="CameraSecretResolver.DefaultDirectory"/> and this process's environment).</summary>
    public static SourceValidationResult Validate(string? url, IEnumerable<string> mediaRoots, bool allowLinkLocal = false,
        CameraSecretResolver? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(mediaRoots);
        if (string.IsNullOrWhiteSpace(url))
        {
            return SourceValidationResult.Invalid("the camera URL is empty; " + Accepted + ".");
        }

        var text = url.Trim();
        var shown = UrlRedaction.Redact(text);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return SourceValidationResult.Invalid($"malformed URL '{Sanitize(shown)}': it contains control characters.");
            }
        }

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (CameraSecretResolver.HasReferences(text))
        {
            return WithSecrets(text, shown, schemeEnd > 0 ? text[..schemeEnd].ToLowerInvariant() : null, allowLinkLocal,
                secrets ?? new CameraSecretResolver(null));
        }

        if (schemeEnd > 0)
        {
            var scheme = text[..schemeEnd].ToLowerInvariant();
            return scheme switch
            {
                "rtsp" => Network(text, shown, CameraSourceKind.Rtsp, allowLinkLocal),
                "rtsps" => Network(text, shown, CameraSourceKind.Rtsps, allowLinkLocal),
                "http" or "https" => Network(text, shown, CameraSourceKind.Http, allowLinkLocal),
                "file" => Uri.TryCreate(text, UriKind.Absolute, out var fileUri) && fileUri.IsFile && string.IsNullOrEmpty(fileUri.Host)
                    ? File(fileUri.LocalPath, shown, mediaRoots)
                    : SourceValidationResult.Invalid($"malformed file URL '{shown}': expected file:///absolute/path."),
                _ when IsSchemeName(scheme) => SourceValidationResult.Invalid($"unsupported scheme '{scheme}' in '{shown}'; {Accepted}."),
                _ => SourceValidationResult.Invalid($"malformed URL '{shown}': '{scheme}' is not a URL scheme."),
            };
        }

        // "rtsp:host/x" or "localhost:554/x": a scheme-like prefix without "//" is a typo, not a relative file name.
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (colon > 0 && (slash < 0 || colon < slash))
        {
            return SourceValidationResult.Invalid($"malformed URL '{shown}': expected scheme://host/path or a file path.");
        }

        return File(text, shown, mediaRoots);
    }

    private static SourceValidationResult WithSecrets(string text, string shown, string? scheme, bool allowLinkLocal, CameraSecretResolver secrets)
    {
        var kind = scheme switch
        {
            "rtsp" => CameraSourceKind.Rtsp,
            "rtsps" => CameraSourceKind.Rtsps,
            "http" or "https" => CameraSourceKind.Http,
            _ => (CameraSourceKind?)null,
        };

        // A file needs no credentials, and a value pasted into a path would choose which file is read.
        if (kind is null)
        {
            return SourceValidationResult.Invalid(
                $"'{Sanitize(shown)}': secret references are resolved only in rtsp://, rtsps:// and http(s):// URLs; {CameraSecretResolver.Rule}.");
        }

        var resolution = secrets.Resolve(text);
        if (!resolution.IsResolved)
        {
            return SourceValidationResult.Invalid($"'{Sanitize(shown)}': {resolution.Error}.", resolution.IsTransient);
        }

        var result = Network(resolution.Url, shown, kind.Value, allowLinkLocal);
        return result.IsValid
            ? SourceValidationResult.Valid(result.Source with { Written = text, Secrets = resolution.Secrets })
            : SourceValidationResult.Invalid(UrlRedaction.Redact(resolution.Secrets.Scrub(result.Error)));
    }

    private static SourceValidationResult Network(string text, string shown, CameraSourceKind kind, bool allowLinkLocal)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return SourceValidationResult.Invalid($"malformed URL '{shown}'.");
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return SourceValidationResult.Invalid($"malformed URL '{shown}': it names no host.");
        }

        // Uri has already turned the other spellings of an IPv4 address (0xA9FEA9FE, 2852039166) into dotted form.
        if (!allowLinkLocal && LinkLocalAddresses.IsLinkLocalHost(uri.Host))
        {
            return SourceValidationResult.Invalid(
                $"'{shown}' names the link-local host '{uri.Host}' (169.254.0.0/16, fe80::/10 and the cloud metadata names are "
                + $"refused: they serve the host's credentials); set {CameraOptions.SectionName}:{nameof(CameraOptions.AllowLinkLocal)}=true if cameras really live there.");
        }

        return SourceValidationResult.Valid(new CameraSource(kind, text));
    }

    private static SourceValidationResult File(string path, string shown, IEnumerable<string> mediaRoots)
    {
        var roots = new List<string>();
        foreach (var root in mediaRoots)
        {
            if (!string.IsNullOrWhiteSpace(root) && Path.IsPathFullyQualified(root))
            {
                roots.Add(Canonicalize(root));
            }
        }

        if (roots.Count == 0)
        {
            return SourceValidationResult.Invalid($"file source '{shown}' refused: no media roots are configured ({CameraOptions.SectionName}:{nameof(CameraOptions.MediaRoots)}).");
        }

        string candidate;
        try
        {
            candidate = Canonicalize(Path.GetFullPath(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return SourceValidationResult.Invalid($"file source '{shown}' cannot be resolved: {ex.Message}");
        }

        foreach (var root in roots)
        {
            if (IsUnder(candidate, root))
            {
                return Directory.Exists(candidate)
                    ? SourceValidationResult.Invalid($"file source '{shown}' is a folder, not a video file.")
                    : SourceValidationResult.Valid(new CameraSource(CameraSourceKind.File, candidate));
            }
        }

        var rule = Path.IsPathRooted(path)
            ? string.Empty
            : $" (a relative path is resolved against the working directory {Environment.CurrentDirectory}, as relative media roots are)";
        return SourceValidationResult.Invalid(
            $"file source '{shown}' is outside the media roots ({string.Join(", ", roots)}){rule}; {Accepted}.");
    }

    private static bool IsUnder(string path, string root)
    {
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length;
    }

    /// <summary>The absolute path with <c>..</c> removed and symbolic links resolved in every existing component.</summary>
    private static string Canonicalize(string path) => Resolve(Path.GetFullPath(path), 0);

    private static string Resolve(string full, int hops)
    {
        if (hops > MaxLinkHops)
        {
            throw new IOException("too many levels of symbolic links");
        }

        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(full) ?? "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Join(current, parts[i]);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            // A relative link target is relative to the folder holding the link.
            var resolved = Path.GetFullPath(target, current);
            var rest = string.Join(Path.DirectorySeparatorChar, parts, i + 1, parts.Length - i - 1);
            return Resolve(Path.GetFullPath(Path.Join(resolved, rest)), hops + 1);
        }

        return current;
    }

    private static bool IsSchemeName(string scheme)
    {
        if (scheme.Length == 0 || !char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '-' and not '.')
            {
                return false;
            }
        }

        return true;
    }

    private static string Sanitize(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }
}
