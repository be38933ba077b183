using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// A camera URL that passed <see cref="SourceValidator"/>: its kind and what to hand to the decoder (the canonical
/// file path for files, the URL as given for streams — it may carry credentials, so show <see cref="Display"/>).
/// </summary>
public sealed record CameraSource(CameraSourceKind Kind, string Location)
{
    /// <summary>Live sources are read as frames arrive; files are paced at their native frame rate.</summary>
    public bool IsLive => Kind != CameraSourceKind.File;

    /// <summary>The location with credentials masked: safe for logs, status and metrics.</summary>
    public string Display => UrlRedaction.Redact(Location);
}
