using System.Text;
using VideoAnalytics.Silo.Sinks;
using VideoAnalytics.Silo.Sinks.Webhook;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Sinks;

/// <summary>The webhook transport against the tests' own receiver: headers, signature, refusals.</summary>
public sealed class WebhookSinkTransportTests : IAsyncLifetime, IDisposable
{
    private readonly WebhookReceiver _receiver = new();
    private readonly HttpClient _http = new();

    [Fact]
    public async Task Each_message_is_one_post_with_its_event_id_and_a_signature_the_receiver_can_verify()
    {
        var transport = new WebhookSinkTransport(_http, new() { Url = _receiver.Url, Secret = "s3cret-shared" });
        await transport.SendAsync([Message("cam:1", "1"), Message("cam:2", "2")], CancellationToken.None);

        var received = _receiver.Received;
        Assert.Equal(["cam:1", "cam:2"], received.Select(r => r.EventId));
        Assert.Equal(["1", "2"], received.Select(r => r.Position));
        Assert.All(received, r => Assert.Equal("cam", r.Camera));
        Assert.All(received, r => Assert.Equal("detections", r.Type));
        Assert.All(received, r => Assert.True(r.SignedWith("s3cret-shared"), $"signature {r.Signature} verifies"));
        Assert.All(received, r => Assert.False(r.SignedWith("another-secret"), "a wrong secret does not verify"));
        Assert.Equal("cam:2", received[1].Json.GetProperty("eventId").GetString());
    }

    [Fact]
    public async Task Without_a_secret_no_signature_is_sent()
    {
        var transport = new WebhookSinkTransport(_http, new() { Url = _receiver.Url });
        await transport.SendAsync([Message("cam:1", "1")], CancellationToken.None);
        Assert.Null(Assert.Single(_receiver.Received).Signature);
    }

    [Fact]
    public async Task A_non_2xx_answer_is_a_delivery_failure_naming_the_status_but_not_the_url_path()
    {
        _receiver.Answer = 500;
        var transport = new WebhookSinkTransport(_http, new() { Url = _receiver.Url + "?token=abc" });
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => transport.SendAsync([Message("cam:1", "1"), Message("cam:2", "2")], CancellationToken.None));
        Assert.Contains("500", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", e.Message, StringComparison.Ordinal);
        Assert.Single(_receiver.Received); // stopped at the first refusal: the order is kept
    }

    [Fact]
    public async Task A_dead_port_is_a_delivery_failure()
    {
        var transport = new WebhookSinkTransport(_http, new() { Url = $"http://127.0.0.1:{FreePort.Next()}/hook", TimeoutSeconds = 5 });
        await Assert.ThrowsAsync<SinkDeliveryException>(() => transport.SendAsync([Message("cam:1", "1")], CancellationToken.None));
    }

    private static SinkMessage Message(string eventId, string position) =>
        new("cam", "detections", eventId, position, null, Encoding.UTF8.GetBytes($$"""{"eventId":"{{eventId}}"}"""));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    public void Dispose() => _http.Dispose();
}
