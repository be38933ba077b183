using System.Diagnostics.CodeAnalysis;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>The verdict of <see cref="SourceValidator.Validate"/>: a usable <see cref="Source"/>, or an
/// <see cref="Error"/> naming the problem (credentials already masked; fit for a 400 response).</summary>
public sealed record SourceValidationResult
{
    private SourceValidationResult(CameraSource? source, string? error)
    {
        Source = source;
        Error = error;
    }

    public CameraSource? Source { get; }

    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Source))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Source is not null;

    public CameraSourceKind? Kind => Source?.Kind;

    public static SourceValidationResult Valid(CameraSource source) => new(source ?? throw new ArgumentNullException(nameof(source)), null);

    public static SourceValidationResult Invalid(string error) => new(null, error);
}
