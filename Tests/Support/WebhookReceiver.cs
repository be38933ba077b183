using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VideoAnalytics.Tests.Support;

/// <summary>One POST a <see cref="WebhookReceiver"/> took: its headers of interest, body, and the status it answered.</summary>
public sealed record ReceivedWebhook(string? EventId, string? Type, string? Camera, string? Position, string? Signature, byte[] Body, int Status)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>Whether <see cref="Signature"/> is <c>sha256=</c> and the HMAC-SHA256 of the body under <paramref name="secret"/>, recomputed here.</summary>
    public bool SignedWith(string secret) =>
        Signature == "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Body));
}

/// <summary>
/// The tests' own webhook receiver: an HttpListener on 127.0.0.1 at a free port that records every POST in arrival
/// order and answers <see cref="Answer"/> (200 by default; a test sets 500 to play a receiver that is down).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Task _loop;

    public WebhookReceiver()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>The status every request is answered with from now on.</summary>
    public int Answer { get; set; } = 200;

    /// <summary>Everything received so far, in order (answered with any status).</summary>
    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Only the requests answered 2xx: what the sink may count as delivered.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => [.. Received.Where(r => r.Status is >= 200 and < 300)];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var status = Answer;
            var headers = context.Request.Headers;
            lock (_received)
            {
                _received.Add(new ReceivedWebhook(
                    headers["X-VideoAnalytics-Event-Id"], headers["X-VideoAnalytics-Event-Type"], headers["X-VideoAnalytics-Camera"],
                    headers["X-VideoAnalytics-Position"], headers["X-VideoAnalytics-Signature"], body.ToArray(), status));
            }

            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
