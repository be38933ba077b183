using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Sinks;

namespace VideoAnalytics.Gateway.Sinks;

/// <summary>
/// A sink as the API shows it: its spec with every secret masked (URL credentials and secret query parameters as
/// <see cref="UrlRedaction"/> masks camera URLs; a webhook secret only as <c>"secret": "***"</c> and <c>hasSecret</c>),
/// and its delivery status when a silo answered.
/// </summary>
public sealed record SinkView(
    string Id,
    string Type,
    bool Enabled,
    IReadOnlyList<string> Cameras,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> Classes,
    double MinScore,
    bool OnlyWithDetections,
    MqttSinkView? Mqtt,
    WebhookSinkView? Webhook,
    SinkStatus? Status)
{
    public static SinkView From(SinkSpec spec, SinkStatus? status)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new SinkView(
            spec.Id, spec.Type, spec.Enabled, spec.Cameras, spec.Events, spec.Classes, spec.MinScore, spec.OnlyWithDetections,
            spec.Mqtt is { } m ? new MqttSinkView(UrlRedaction.Redact(m.Url), m.Topic, m.Qos, m.RetainOccupancy, m.AllowUntrustedCertificate) : null,
            spec.Webhook is { } w ? new WebhookSinkView(UrlRedaction.Redact(w.Url), string.IsNullOrEmpty(w.Secret) ? null : UrlRedaction.Mask, !string.IsNullOrEmpty(w.Secret), w.TimeoutSeconds) : null,
            status is null ? null : status with { LastError = status.LastError is null ? null : UrlRedaction.Redact(status.LastError) });
    }
}

/// <summary>An MQTT sink's settings, the broker URL redacted.</summary>
public sealed record MqttSinkView(string Url, string Topic, int Qos, bool RetainOccupancy, bool AllowUntrustedCertificate);

/// <summary>A webhook sink's settings: the URL redacted, the secret never shown.</summary>
public sealed record WebhookSinkView(string Url, string? Secret, bool HasSecret, double TimeoutSeconds);
