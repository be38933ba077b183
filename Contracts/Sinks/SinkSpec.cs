namespace VideoAnalytics.Contracts.Sinks;

/// <summary>
/// An operator's event sink: where detections and scene events of chosen cameras are delivered (an MQTT broker or a
/// webhook receiver), at least once and in order per camera, from the last position it delivered. Exactly one of
/// <see cref="Mqtt"/> and <see cref="Webhook"/> is set, the one <see cref="Type"/> names.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SinkSpec
{
    public const string MqttType = "mqtt";
    public const string WebhookType = "webhook";

    [Id(0)]
    public required string Id { get; init; }

    /// <summary><see cref="MqttType"/> or <see cref="WebhookType"/>.</summary>
    [Id(1)]
    public required string Type { get; init; }

    [Id(2)]
    public bool Enabled { get; init; } = true;

    /// <summary>Camera ids whose streams the sink delivers; empty means every camera, including ones added later.</summary>
    [Id(3)]
    public IReadOnlyList<string> Cameras { get; init; } = [];

    /// <summary>What is delivered (<see cref="SinkEventTypes"/>); empty means all of them.</summary>
    [Id(4)]
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>Classes delivered (detections and scene events); empty means every class.</summary>
    [Id(5)]
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Detections scoring below this are left out of delivered frames (0–1).</summary>
    [Id(6)]
    public double MinScore { get; init; }

    /// <summary>Deliver only frames that still have detections after the class and score filters.</summary>
    [Id(7)]
    public bool OnlyWithDetections { get; init; }

    [Id(8)]
    public MqttSinkSettings? Mqtt { get; init; }

    [Id(9)]
    public WebhookSinkSettings? Webhook { get; init; }
}
