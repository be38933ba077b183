using System.Diagnostics.CodeAnalysis;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>What <see cref="CameraSecretResolver.Resolve"/> made of a camera URL: the URL to open with its
/// <see cref="Secrets"/> (to scrub from any message about it), or why a reference cannot be resolved.</summary>
public sealed record CameraUrlResolution
{
    private CameraUrlResolution(string? url, ResolvedSecrets secrets, string? error, bool transient)
    {
        Url = url;
        Secrets = secrets;
        Error = error;
        IsTransient = transient;
    }

    /// <summary>The URL with every reference replaced by its percent-encoded value: for the decoder only, never shown.</summary>
    public string? Url { get; }

    public ResolvedSecrets Secrets { get; }

    /// <summary>Why not, naming the reference as written (never a value) and the rule.</summary>
    public string? Error { get; }

    /// <summary>The reference is well-formed but cannot be read now (unset variable, missing file): it may be provided
    /// later, so a running camera keeps retrying instead of waiting for a new spec.</summary>
    public bool IsTransient { get; }

    [MemberNotNullWhen(true, nameof(Url))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsResolved => Url is not null;

    public static CameraUrlResolution Resolved(string url, ResolvedSecrets secrets) => new(url, secrets, null, false);

    public static CameraUrlResolution Refused(string error, bool transient) => new(null, ResolvedSecrets.None, error, transient);

    // A record prints its members: the resolved URL must not reach a log through ToString.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(IsResolved ? "resolved" : "Error = " + Error);
        return true;
    }
}
