namespace VideoAnalytics.Contracts.Cameras;

/// <summary>What <see cref="ICameraSpecCheckGrain.CheckAsync(string?, string, TrackingSpec?)"/> found: each error is fit for a 400 naming its field.</summary>
[GenerateSerializer, Immutable]
public sealed record CameraSpecCheck
{
    /// <summary>Why the URL cannot be used (credentials masked); null when it can, or was not checked.</summary>
    [Id(0)] public string? UrlError { get; init; }

    /// <summary>Why the model cannot be used (the file and what was wrong); null when it loads.</summary>
    [Id(1)] public string? ModelError { get; init; }

    /// <summary>The model's labels, index = class id (0 is the background); null when <see cref="ModelError"/> is set.</summary>
    [Id(2)] public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>
    /// What is wrong with the camera's tracker settings once the silo's own fill the fields it leaves out (a
    /// <c>lowScore</c> above the silo's high score, say), by field (<c>tracking.highScore</c>); null when nothing is.
    /// </summary>
    [Id(3)] public IReadOnlyDictionary<string, string>? TrackingErrors { get; init; }
}
