using System.Buffers;
using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace VideoAnalytics.Tests.Support;

/// <summary>
/// The tests' own MQTT client (MQTTnet, MQTT 5) on a <see cref="MosquittoBroker"/>: subscribes with QoS 1 and hands over
/// every message it receives, in arrival order, with what a receiver sees (topic, payload bytes, QoS, retain flag, the
/// <c>event-id</c> user property).
/// </summary>
public sealed class MqttTestSubscriber : IAsyncDisposable
{
    private readonly Channel<ReceivedMqttMessage> _received = Channel.CreateUnbounded<ReceivedMqttMessage>();
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;

    private MqttTestSubscriber(IMqttClient client, MqttClientOptions options)
    {
        _client = client;
        _options = options;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            string? eventId = null;
            foreach (var property in message.UserProperties ?? [])
            {
                if (property.Name == "event-id")
                {
                    eventId = Encoding.UTF8.GetString(property.ValueBuffer.Span);
                }
            }

            _received.Writer.TryWrite(new ReceivedMqttMessage(
                message.Topic, message.Payload.ToArray(), message.QualityOfServiceLevel, message.Retain, eventId));
            return Task.CompletedTask;
        };
    }

    /// <summary>
    /// Connects and subscribes to <paramref name="topicFilter"/> (QoS 1); the broker's retained messages follow. With
    /// <paramref name="persistentSession"/> the broker keeps the subscription and queues QoS 1 messages while the
    /// subscriber is away (also across a broker restart, through its persistence), as a consumer that must not miss any
    /// would connect.
    /// </summary>
    public static async Task<MqttTestSubscriber> ConnectAsync(
        MosquittoBroker broker, string topicFilter = "#", MosquittoCredentials? credentials = null, bool persistentSession = false)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.Port)
            .WithClientId("test-subscriber-" + Guid.NewGuid().ToString("N")[..8])
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(20));
        if (persistentSession)
        {
            builder = builder.WithCleanStart(false).WithSessionExpiryInterval(3600);
        }
        if ((credentials ?? broker.Credentials) is { } user)
        {
            builder = builder.WithCredentials(user.User, user.Password);
        }

        var subscriber = new MqttTestSubscriber(new MqttClientFactory().CreateMqttClient(), builder.Build());
        await subscriber.SubscribeAsync(topicFilter);
        return subscriber;
    }

    /// <summary>Connects again (after the broker restarted) and subscribes to <paramref name="topicFilter"/>.</summary>
    public async Task SubscribeAsync(string topicFilter = "#")
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (!_client.IsConnected)
        {
            await _client.ConnectAsync(_options, timeout.Token);
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(topicFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await _client.SubscribeAsync(subscribe, timeout.Token);
    }

    /// <summary>After the broker went away and came back: waits until the client noticed, connects again and subscribes.</summary>
    public async Task ReconnectAsync(string topicFilter = "#")
    {
        await Eventually.UntilAsync(() => !_client.IsConnected, TimeSpan.FromSeconds(30), "the subscriber noticed the broker went away");
        await SubscribeAsync(topicFilter);
    }

    /// <summary>The next message received, waiting for it up to <paramref name="timeout"/> (default 30 s, a safety net).</summary>
    public async Task<ReceivedMqttMessage> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no MQTT message arrived in time");
        }
    }

    /// <summary>The next <paramref name="count"/> messages.</summary>
    public async Task<List<ReceivedMqttMessage>> NextAsync(int count)
    {
        var messages = new List<ReceivedMqttMessage>(count);
        for (var i = 0; i < count; i++)
        {
            messages.Add(await NextAsync());
        }

        return messages;
    }

    /// <summary>Skips messages until one on <paramref name="topic"/> arrives, and returns it.</summary>
    public async Task<ReceivedMqttMessage> NextOnAsync(string topic)
    {
        while (true)
        {
            var message = await NextAsync();
            if (message.Topic == topic)
            {
                return message;
            }
        }
    }

    /// <summary>Skips messages until <paramref name="topic"/> says <paramref name="text"/>.</summary>
    public async Task<ReceivedMqttMessage> NextOnAsync(string topic, string text)
    {
        while (true)
        {
            var message = await NextOnAsync(topic);
            if (message.Text == text)
            {
                return message;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // the broker may be gone already
            }
        }

        _client.Dispose();
    }
}

/// <summary>A message as the subscriber got it.</summary>
public sealed record ReceivedMqttMessage(string Topic, byte[] Payload, MqttQualityOfServiceLevel Qos, bool Retain, string? EventId)
{
    public string Text => Encoding.UTF8.GetString(Payload);
}
