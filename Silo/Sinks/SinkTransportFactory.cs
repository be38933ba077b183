using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Sinks.Mqtt;
using VideoAnalytics.Silo.Sinks.Webhook;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// The transports of the two sink types. Secret references (<c>${env:VA_CAMERA_…}</c>, <c>${file:NAME}</c>, the rule
/// cameras follow: <see cref="CameraSecretResolver"/>) in a broker URL, a webhook URL or a webhook secret are resolved
/// here, in the silo that sends, so the registry and the API only ever hold the reference.
/// </summary>
public sealed class SinkTransportFactory(
    IHttpClientFactory http,
    IOptions<CameraOptions> cameraOptions,
    SinkHostGuard hosts,
    ILoggerFactory loggers) : ISinkTransportFactory
{
    /// <summary>The named HttpClient webhooks use (with the standard resilience handler, see <see cref="SinkServiceCollectionExtensions"/>).</summary>
    public const string WebhookClient = "va-sink-webhook";

    public ISinkTransport Create(SinkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var resolver = new CameraSecretResolver(cameraOptions.Value.SecretsDirectory);
        switch (spec.Type)
        {
            case SinkSpec.WebhookType when spec.Webhook is { } webhook:
                var secret = webhook.Secret is { } s && CameraSecretResolver.HasReferences(s) ? Uri.UnescapeDataString(Resolve(resolver, s, "secret")) : webhook.Secret;
                return new WebhookSinkTransport(
                    http.CreateClient(WebhookClient),
                    webhook with { Url = Resolve(resolver, webhook.Url, "url"), Secret = secret });
            case SinkSpec.MqttType when spec.Mqtt is { } settings:
                try
                {
                    return new MqttSinkTransport(spec.Id, settings with { Url = Resolve(resolver, settings.Url, "url") }, loggers.CreateLogger<MqttSinkTransport>(), hosts);
                }
                catch (ArgumentException e)
                {
                    // The API validated the settings; a secret reference can still resolve to an unusable URL.
                    throw new SinkConfigurationException(e.Message, e);
                }
            default:
                throw new SinkConfigurationException($"sink type '{spec.Type}' without its settings");
        }
    }

    private static string Resolve(CameraSecretResolver resolver, string text, string field)
    {
        var resolution = resolver.Resolve(text);
        return resolution.Url ?? throw new SinkConfigurationException($"{field}: {resolution.Error}");
    }
}
