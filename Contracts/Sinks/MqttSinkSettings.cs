namespace VideoAnalytics.Contracts.Sinks;

/// <summary>Where and how an MQTT sink publishes.</summary>
[GenerateSerializer, Immutable]
public sealed record MqttSinkSettings
{
    public const string DefaultTopic = "videoanalytics/{camera}/{type}";

    /// <summary><c>mqtt://[user:password@]host[:port]</c> (1883) or <c>mqtts://…</c> (8883, TLS). Redact before showing.</summary>
    [Id(0)]
    public required string Url { get; init; }

    /// <summary>Topic of each message; <c>{camera}</c> and <c>{type}</c> are replaced (type: a <see cref="SinkEventTypes"/> value).</summary>
    [Id(1)]
    public string Topic { get; init; } = DefaultTopic;

    /// <summary>0 (at most once) or 1 (at least once: the broker acknowledges each message).</summary>
    [Id(2)]
    public int Qos { get; init; } = 1;

    /// <summary>Publish each zone's current occupancy as a retained message, so a new subscriber sees it at once.</summary>
    [Id(3)]
    public bool RetainOccupancy { get; init; } = true;

    /// <summary>mqtts: accept a broker certificate that does not chain to a trusted root (a self-signed broker).</summary>
    [Id(4)]
    public bool AllowUntrustedCertificate { get; init; }
}
