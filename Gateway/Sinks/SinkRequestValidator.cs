using System.Globalization;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Gateway.Apis;

namespace VideoAnalytics.Gateway.Sinks;

/// <summary>
/// Turns a sink request into a <see cref="SinkSpec"/> or field errors (a 400 ProblemDetails naming each field). Fields a
/// PATCH omits come from the stored sink; so do secrets sent back as the API shows them (a URL whose credentials read
/// <c>***</c>, a webhook secret <c>***</c> or absent), so an operator can edit a sink without retyping its password.
/// </summary>
/// <remarks>
/// Receivers are requests the service makes on an operator's behalf: link-local addresses and cloud metadata names are
/// refused as they are for cameras. URLs may carry secret references (<c>${env:VA_CAMERA_…}</c>, <c>${file:NAME}</c>),
/// resolved by the silo that sends (a reference it cannot resolve fails the sink with the reason in its status).
/// </remarks>
public sealed class SinkRequestValidator
{
    public const double MinTimeoutSeconds = 0.5;
    public const double MaxTimeoutSeconds = 60;

    /// <summary>Validates <paramref name="request"/>; fields it lacks come from <paramref name="existing"/> (PATCH) or defaults.</summary>
    public static (SinkSpec? Spec, Dictionary<string, string[]> Errors) Validate(SinkRequest request, SinkSpec? existing = null, string? routeId = null, bool patch = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (id, idError) = ResourceIds.Resolve(request.Id, routeId, existing?.Id);
        if (idError is not null)
        {
            errors["id"] = [idError];
        }

        // PUT replaces the spec (omitted fields take defaults) but, like PATCH, keeps secrets sent back masked.
        var base_ = patch ? existing : null;
        var type = request.Type ?? existing?.Type;
        MqttSinkSettings? mqtt = null;
        WebhookSinkSettings? webhook = null;
        switch (type)
        {
            case null:
                errors["type"] = ["type is required: mqtt or webhook"];
                break;
            case SinkSpec.MqttType:
                mqtt = ToMqtt(request.Mqtt, type == existing?.Type ? existing.Mqtt : null, patch, errors);
                if (request.Webhook is not null)
                {
                    errors["webhook"] = ["webhook settings are for a webhook sink; this one is mqtt"];
                }

                break;
            case SinkSpec.WebhookType:
                webhook = ToWebhook(request.Webhook, type == existing?.Type ? existing.Webhook : null, patch, errors);
                if (request.Mqtt is not null)
                {
                    errors["mqtt"] = ["mqtt settings are for an mqtt sink; this one is webhook"];
                }

                break;
            default:
                errors["type"] = [$"unknown type '{type}': mqtt or webhook"];
                break;
        }

        var cameras = request.Cameras ?? base_?.Cameras ?? [];
        for (var i = 0; i < cameras.Count; i++)
        {
            if (cameras[i] is not { } camera || !ResourceIds.IsValid(camera))
            {
                errors["cameras"] = [Invariant($"cameras[{i}] is not a camera id ({ResourceIds.Rule})")];
                break;
            }
        }

        var events = request.Events ?? base_?.Events ?? [];
        foreach (var e in events)
        {
            if (e is null || !SinkEventTypes.All.Contains(e))
            {
                errors["events"] = [$"unknown event type '{e}'; known: {string.Join(", ", SinkEventTypes.All)}"];
                break;
            }
        }

        var classes = request.Classes ?? base_?.Classes ?? [];
        if (classes.Any(string.IsNullOrWhiteSpace))
        {
            errors["classes"] = ["classes must be non-empty class names"];
        }

        var minScore = request.MinScore ?? base_?.MinScore ?? 0;
        if (!(minScore >= 0 && minScore <= 1))
        {
            errors["minScore"] = ["minScore must be between 0 and 1"];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new SinkSpec
        {
            Id = id!,
            Type = type!,
            Enabled = request.Enabled ?? base_?.Enabled ?? true,
            Cameras = [.. cameras.Distinct(StringComparer.Ordinal)],
            Events = [.. events.Distinct(StringComparer.Ordinal)],
            Classes = [.. classes],
            MinScore = minScore,
            OnlyWithDetections = request.OnlyWithDetections ?? base_?.OnlyWithDetections ?? false,
            Mqtt = mqtt,
            Webhook = webhook,
        }, errors);
    }

    private static MqttSinkSettings? ToMqtt(MqttSinkRequest? request, MqttSinkSettings? existing, bool patch, Dictionary<string, string[]> errors)
    {
        var base_ = patch ? existing : null;
        var url = KeepSecrets(request?.Url, existing?.Url);
        CheckUrl("mqtt.url", url, ["mqtt", "mqtts"], errors);
        var topic = request?.Topic ?? base_?.Topic ?? MqttSinkSettings.DefaultTopic;
        if (string.IsNullOrWhiteSpace(topic))
        {
            errors["mqtt.topic"] = ["topic must not be empty"];
        }
        else if (topic.IndexOfAny(['+', '#', '\0']) >= 0)
        {
            errors["mqtt.topic"] = ["topic must not contain the wildcards '+' or '#' (or NUL): it names where messages are published"];
        }

        var qos = request?.Qos ?? base_?.Qos ?? 1;
        if (qos is not (0 or 1))
        {
            errors["mqtt.qos"] = ["qos must be 0 (at most once) or 1 (at least once)"];
        }

        return url is null ? null : new MqttSinkSettings
        {
            Url = url.Trim(),
            Topic = topic,
            Qos = qos,
            RetainOccupancy = request?.RetainOccupancy ?? base_?.RetainOccupancy ?? true,
            AllowUntrustedCertificate = request?.AllowUntrustedCertificate ?? base_?.AllowUntrustedCertificate ?? false,
        };
    }

    private static WebhookSinkSettings? ToWebhook(WebhookSinkRequest? request, WebhookSinkSettings? existing, bool patch, Dictionary<string, string[]> errors)
    {
        var base_ = patch ? existing : null;
        var url = KeepSecrets(request?.Url, existing?.Url);
        CheckUrl("webhook.url", url, ["http", "https"], errors);

        // A secret the API showed as *** (or left out) stays; an empty one removes it.
        var secret = request?.Secret switch
        {
            null or UrlRedaction.Mask => existing?.Secret,
            "" => null,
            var given => given,
        };

        var timeout = request?.TimeoutSeconds ?? base_?.TimeoutSeconds ?? 10;
        if (!(timeout >= MinTimeoutSeconds && timeout <= MaxTimeoutSeconds))
        {
            errors["webhook.timeoutSeconds"] = [Invariant($"timeoutSeconds must be between {MinTimeoutSeconds} and {MaxTimeoutSeconds}")];
        }

        return url is null ? null : new WebhookSinkSettings { Url = url.Trim(), Secret = secret, TimeoutSeconds = timeout };
    }

    // A URL sent back exactly as the API shows the stored one means "unchanged": keep the stored one with its secrets.
    private static string? KeepSecrets(string? url, string? existing) =>
        url is null ? existing : existing is not null && url.Trim() == UrlRedaction.Redact(existing) ? existing : url;

    private static void CheckUrl(string field, string? url, string[] schemes, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            errors[field] = ["url is required"];
            return;
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || !schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase) || string.IsNullOrEmpty(uri.Host))
        {
            errors[field] = [$"url must be an absolute {string.Join(" or ", schemes.Select(s => s + "://"))} URL with a host: {UrlRedaction.Redact(url)}"];
            return;
        }

        if (uri.UserInfo.Contains(UrlRedaction.Mask, StringComparison.Ordinal))
        {
            errors[field] = ["url has masked credentials (***) that do not match the stored URL: send the credentials, or the stored URL as shown"];
            return;
        }

        if (LinkLocalAddresses.IsLinkLocalHost(uri.Host))
        {
            errors[field] = [$"url points at a link-local address or cloud metadata name ({uri.Host}): refused, as for cameras (they serve the host's credentials)"];
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
