namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// Sends a sink's messages to one receiver (an MQTT broker, a webhook URL). The sink's delivery loop owns the order,
/// the checkpoint and the retries; a transport only sends, connecting (and reconnecting) as needed.
/// </summary>
public interface ISinkTransport : IAsyncDisposable
{
    /// <summary>
    /// Sends <paramref name="messages"/> in order. Returns once the receiver has taken all of them (MQTT QoS 1: acknowledged;
    /// webhook: a 2xx answer); throws <see cref="SinkDeliveryException"/> when it did not, after which the caller sends the
    /// same messages again later (some of them may have arrived: at least once).
    /// </summary>
    Task SendAsync(IReadOnlyList<SinkMessage> messages, CancellationToken cancellationToken);
}
