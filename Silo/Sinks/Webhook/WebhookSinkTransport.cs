using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Sinks;

namespace VideoAnalytics.Silo.Sinks.Webhook;

/// <summary>
/// POSTs each message as its own request (body: the message's JSON), in order, waiting for each answer: one event per
/// request keeps a receiver's de-duplication and signature check trivial (the headers describe exactly the body), and
/// the order per camera is the order of the requests. Headers: <c>X-VideoAnalytics-Event-Id</c>,
/// <c>X-VideoAnalytics-Event-Type</c>, <c>X-VideoAnalytics-Camera</c>, <c>X-VideoAnalytics-Position</c> (when the
/// message has one) and, with a secret, <c>X-VideoAnalytics-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.
/// </summary>
/// <remarks>
/// Retries are split in two: the HttpClient's standard resilience handler retries a transient failure once, quickly
/// (a dropped connection, a 503), within the sink's timeout; anything longer — a receiver down for minutes — is the
/// sink loop's exponential backoff, which resends from its checkpoint. So a dead receiver costs one short request
/// burst per backoff step, never a storm.
/// </remarks>
public sealed class WebhookSinkTransport(HttpClient client, WebhookSinkSettings settings) : ISinkTransport
{
    public const string EventIdHeader = "X-VideoAnalytics-Event-Id";
    public const string EventTypeHeader = "X-VideoAnalytics-Event-Type";
    public const string CameraHeader = "X-VideoAnalytics-Camera";
    public const string PositionHeader = "X-VideoAnalytics-Position";
    public const string SignatureHeader = "X-VideoAnalytics-Signature";

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private readonly byte[]? _key = string.IsNullOrEmpty(settings.Secret) ? null : System.Text.Encoding.UTF8.GetBytes(settings.Secret);
    private readonly Uri _url = new(settings.Url);
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <paramref name="body"/> under <paramref name="key"/>.</summary>
    public static string Signature(byte[] key, ReadOnlySpan<byte> body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));

    public async Task SendAsync(IReadOnlyList<SinkMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            await SendOneAsync(message, cancellationToken);
        }
    }

    private async Task SendOneAsync(SinkMessage message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ReadOnlyMemoryContent(message.Payload) };
        request.Content.Headers.ContentType = JsonType;
        request.Headers.Add(EventIdHeader, message.EventId);
        request.Headers.Add(EventTypeHeader, message.Type);
        request.Headers.Add(CameraHeader, message.CameraId);
        if (message.Position is { } position)
        {
            request.Headers.Add(PositionHeader, position);
        }

        if (_key is not null)
        {
            request.Headers.Add(SignatureHeader, Signature(_key, message.Payload.Span));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new SinkDeliveryException(string.Create(CultureInfo.InvariantCulture,
                    $"webhook {Where} answered {(int)response.StatusCode} {response.ReasonPhrase}"));
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkDeliveryException(string.Create(CultureInfo.InvariantCulture, $"webhook {Where} did not answer within {_timeout.TotalSeconds:0.###} s"), e);
        }
        catch (Exception e) when (e is not SinkDeliveryException and not OperationCanceledException and not OutOfMemoryException)
        {
            // HttpRequestException (refused, DNS), the resilience handler's own (an open circuit), a TLS failure.
            throw new SinkDeliveryException($"webhook {Where}: {UrlRedaction.Redact(e.Message)}", e);
        }
    }

    // Scheme, host and port only: userinfo, path or query may carry a secret.
    private string Where => _url.Scheme + "://" + _url.Authority;

    public ValueTask DisposeAsync()
    {
        // The HttpClient belongs to the factory's handler pool; nothing of ours to release.
        return ValueTask.CompletedTask;
    }
}
