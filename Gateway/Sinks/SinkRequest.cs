namespace VideoAnalytics.Gateway.Sinks;

/// <summary>The body of POST/PUT/PATCH /api/sinks: every field optional here, required ones checked by the validator.</summary>
public sealed record SinkRequest
{
    public string? Id { get; init; }

    /// <summary><c>mqtt</c> or <c>webhook</c>.</summary>
    public string? Type { get; init; }

    public bool? Enabled { get; init; }

    public IReadOnlyList<string>? Cameras { get; init; }

    public IReadOnlyList<string>? Events { get; init; }

    public IReadOnlyList<string>? Classes { get; init; }

    public double? MinScore { get; init; }

    public bool? OnlyWithDetections { get; init; }

    public MqttSinkRequest? Mqtt { get; init; }

    public WebhookSinkRequest? Webhook { get; init; }
}

/// <summary>An MQTT sink's settings as sent.</summary>
public sealed record MqttSinkRequest
{
    /// <summary>The broker; sent back as shown (credentials <c>***</c>) it keeps the stored one.</summary>
    public string? Url { get; init; }

    public string? Topic { get; init; }

    public int? Qos { get; init; }

    public bool? RetainOccupancy { get; init; }

    public bool? AllowUntrustedCertificate { get; init; }
}

/// <summary>A webhook sink's settings as sent.</summary>
public sealed record WebhookSinkRequest
{
    /// <summary>The receiver; sent back as shown (secrets <c>***</c>) it keeps the stored one.</summary>
    public string? Url { get; init; }

    /// <summary>The HMAC secret: absent or <c>***</c> keeps the stored one, empty removes it.</summary>
    public string? Secret { get; init; }

    public double? TimeoutSeconds { get; init; }
}
