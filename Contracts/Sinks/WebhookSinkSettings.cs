namespace VideoAnalytics.Contracts.Sinks;

/// <summary>Where a webhook sink POSTs its JSON messages.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookSinkSettings
{
    /// <summary>http:// or https:// receiver. Redact before showing.</summary>
    [Id(0)]
    public required string Url { get; init; }

    /// <summary>Shared secret: when set, each request carries an HMAC-SHA256 of its body. Never shown back.</summary>
    [Id(1)]
    public string? Secret { get; init; }

    /// <summary>Per-request timeout, seconds.</summary>
    [Id(2)]
    public double TimeoutSeconds { get; init; } = 10;
}
