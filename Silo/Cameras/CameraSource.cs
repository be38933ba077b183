using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// A camera URL that passed <see cref="SourceValidator"/>: its kind and what to hand to the decoder (the canonical
/// file path for files, the URL with its secret references resolved for streams — it may carry credentials, so show
/// <see cref="Display"/>).
/// </summary>
public sealed record CameraSource(CameraSourceKind Kind, string Location)
{
    /// <summary>The URL as registered, secret references unresolved; what logs and statuses quote.</summary>
    public string Written { get; init; } = Location;

    /// <summary>The values <see cref="Location"/> holds in place of <see cref="Written"/>'s references.</summary>
    public ResolvedSecrets Secrets { get; init; } = ResolvedSecrets.None;

    /// <summary>Live sources are read as frames arrive; files are paced at their native frame rate.</summary>
    public bool IsLive => Kind != CameraSourceKind.File;

    /// <summary>The URL as written with credentials masked: safe for logs, status and metrics.</summary>
    public string Display => UrlRedaction.Redact(Written);

    /// <summary>A message about this source made safe to show: resolved secrets put back as their references, then
    /// credentials masked.</summary>
    public string Safe(string? message) => UrlRedaction.Redact(Secrets.Scrub(message));

    // A record prints its members: the resolved Location must not reach a log through ToString.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Kind = ").Append(Kind).Append(", Display = ").Append(Display);
        return true;
    }
}
