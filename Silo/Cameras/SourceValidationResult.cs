using System.Diagnostics.CodeAnalysis;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>The verdict of <see cref="SourceValidator"/>: a usable <see cref="Source"/>, or an
/// <see cref="Error"/> naming the problem (credentials already masked; fit for a 400 response).</summary>
public sealed record SourceValidationResult
{
    private SourceValidationResult(CameraSource? source, string? error, bool transient)
    {
        Source = source;
        Error = error;
        IsTransient = transient;
    }

    public CameraSource? Source { get; }

    public string? Error { get; }

    /// <summary>Refused for now only: a secret reference that cannot be read at the moment (unset variable, missing
    /// file). A running camera retries it with backoff; a registration is still refused.</summary>
    public bool IsTransient { get; }

    [MemberNotNullWhen(true, nameof(Source))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Source is not null;

    public CameraSourceKind? Kind => Source?.Kind;

    public static SourceValidationResult Valid(CameraSource source) => new(source ?? throw new ArgumentNullException(nameof(source)), null, false);

    public static SourceValidationResult Invalid(string error, bool transient = false) => new(null, error, transient);
}
