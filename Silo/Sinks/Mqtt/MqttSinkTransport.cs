using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using VideoAnalytics.Contracts.Sinks;

namespace VideoAnalytics.Silo.Sinks.Mqtt;

/// <summary>
/// Publishes a sink's messages to an MQTT broker with MQTTnet's client (MQTT 5), one connection per sink, opened on the
/// first <see cref="SendAsync"/> and again on the next one after it dropped.
/// <para>
/// At least once: with QoS 1 each publish waits for the broker's PUBACK before the next one is sent, so
/// <see cref="SendAsync"/> returns only when the broker holds every message, in order; on any failure it throws and the
/// sink's delivery loop sends the same messages again from its checkpoint. That re-send — not an MQTT session — is what
/// carries the guarantee: MQTTnet keeps no outgoing session store, so a publish whose PUBACK was lost with the connection
/// fails here and is never retransmitted by the client after a reconnect. The connection therefore starts clean (clean
/// start, session expiry 0): a persistent session would add broker state (we subscribe to nothing) and nothing else.
/// Duplicates happen only when the broker took a message but its PUBACK was lost; each message carries its event id in
/// the MQTT 5 user property <c>event-id</c> (and in its JSON) for receivers to drop them. Subscribers that must not miss
/// messages while they are away use a persistent session of their own (clean start false, QoS 1 subscription).
/// </para>
/// <para>
/// Besides the messages' own topics (<see cref="MqttTopics"/>): a zone's occupancy goes to a per-zone topic, retained when
/// <see cref="MqttSinkSettings.RetainOccupancy"/>; a camera state message also sets the camera's retained availability
/// (<c>online</c> while streaming, else <c>offline</c>); and the connection's status topic says <c>online</c> (retained, on
/// every connect) with <c>offline</c> as its last will, which the broker publishes when the connection drops without a
/// normal disconnect — and also on <see cref="DisposeAsync"/>, which asks for it (MQTT 5 reason 0x04), because a sink
/// that stops publishing is offline to its subscribers whatever the reason.
/// </para>
/// Calls are serialised (the delivery loop sends one batch at a time; the gate only guards against misuse and dispose).
/// </summary>
public sealed partial class MqttSinkTransport : ISinkTransport
{
    /// <summary>Upper bound on connecting (TCP, TLS, CONNACK) and on each PUBACK: past it the broker is as good as down.</summary>
    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private static readonly byte[] OfflinePayload = Encoding.UTF8.GetBytes(CameraAvailability.Offline);
    private static readonly byte[] OnlinePayload = Encoding.UTF8.GetBytes(CameraAvailability.Online);

    private readonly string _sinkId;
    private readonly MqttSinkSettings _settings;
    private readonly ILogger _logger;
    private readonly MqttBrokerAddress _broker;
    private readonly string _brokerText;
    private readonly MqttTopics _topics;
    private readonly MqttQualityOfServiceLevel _qos;
    private readonly MqttClientFactory _factory = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeSpan _operationTimeout;
    private readonly SinkHostGuard _hosts;
    private IMqttClient? _client;
    private string? _certificateRefusal;
    private bool _disposed;

    /// <param name="sinkId">The sink's id: names the MQTT client (<c>videoanalytics-{sinkId}</c>).</param>
    /// <param name="settings">The sink's MQTT settings, with any credentials in the URL already resolved.</param>
    /// <param name="logger">Where connects and drops are logged (the broker without its password).</param>
    /// <param name="hosts">Resolves and checks the broker's host on each connect (null: the system's resolver).</param>
    /// <exception cref="ArgumentException">The URL, topic template or QoS is not usable (the message names which; no password).</exception>
    public MqttSinkTransport(string sinkId, MqttSinkSettings settings, ILogger logger, SinkHostGuard? hosts = null)
        : this(sinkId, settings, logger, DefaultOperationTimeout, hosts)
    {
    }

    /// <summary>Tests: a shorter bound on connecting and on each acknowledgement than <see cref="DefaultOperationTimeout"/>.</summary>
    internal MqttSinkTransport(string sinkId, MqttSinkSettings settings, ILogger logger, TimeSpan operationTimeout, SinkHostGuard? hosts = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sinkId);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        if (!MqttBrokerAddress.TryParse(settings.Url, out var broker, out var urlError))
        {
            throw new ArgumentException(urlError, nameof(settings));
        }

        if (!MqttTopics.TryCreate(settings.Topic, out var topics, out var topicError))
        {
            throw new ArgumentException(topicError, nameof(settings));
        }

        _qos = settings.Qos switch
        {
            0 => MqttQualityOfServiceLevel.AtMostOnce,
            1 => MqttQualityOfServiceLevel.AtLeastOnce,
            _ => throw new ArgumentException($"QoS must be 0 or 1, not {settings.Qos}", nameof(settings)),
        };
        _sinkId = sinkId;
        _operationTimeout = operationTimeout;
        _settings = settings;
        _logger = logger;
        _broker = broker!;
        _brokerText = broker!.ToString();
        _topics = topics!;
        _hosts = hosts ?? new SinkHostGuard();

        // A fixed client id per sink: if a sink's grain comes back on another silo while its old connection is half-open,
        // the broker closes the old one (session takeover) instead of both publishing for a keep-alive period.
        ClientId = "videoanalytics-" + MqttTopics.Level(sinkId);
    }

    /// <summary>The MQTT client id this transport connects with.</summary>
    public string ClientId { get; }

    /// <summary>The broker, without password: for the sink's status.</summary>
    public MqttBrokerAddress Broker => _broker;

    /// <summary>The topics this transport publishes to.</summary>
    public MqttTopics Topics => _topics;

    /// <inheritdoc />
    public async Task SendAsync(IReadOnlyList<SinkMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (messages.Count == 0)
            {
                return;
            }

            var client = await ConnectedClientAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                if (message.Type == SinkMessage.Occupancy)
                {
                    await PublishAsync(client, _topics.Occupancy(message.CameraId, message.Type, message.Subject ?? string.Empty),
                        message.Payload, _settings.RetainOccupancy, message, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await PublishAsync(client, _topics.For(message.CameraId, message.Type), message.Payload, message.Retain, message,
                    cancellationToken).ConfigureAwait(false);
                if (message.Type == SinkEventTypes.CameraState)
                {
                    if (CameraAvailability.FromPayload(message.Payload) is { } availability)
                    {
                        await PublishAsync(client, _topics.Availability(message.CameraId),
                            availability == CameraAvailability.Online ? OnlinePayload : OfflinePayload, retain: true, message,
                            cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        LogNoCameraState(_logger, _sinkId, message.CameraId, message.EventId);
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Disconnects asking the broker to publish the last will (status <c>offline</c>), then releases the client.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_client is { IsConnected: true } client)
            {
                using var timeout = new CancellationTokenSource(_operationTimeout);
                try
                {
                    var options = new MqttClientDisconnectOptionsBuilder()
                        .WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage)
                        .Build();
                    await client.DisconnectAsync(options, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or IOException or SocketException or ObjectDisposedException)
                {
                    // Going away anyway: a broker that cannot hear the DISCONNECT sees the connection drop and sends the will.
                }
            }

            DropClient();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Tests: drops the connection without an MQTT DISCONNECT, as a crashed silo or a cut network would (the broker then
    /// publishes the last will). The next <see cref="SendAsync"/> reconnects.
    /// </summary>
    internal async Task AbortConnectionAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            DropClient();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IMqttClient> ConnectedClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } connected)
        {
            return connected;
        }

        if (_client is not null)
        {
            LogConnectionLost(_logger, _sinkId, _brokerText);
            DropClient();
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_operationTimeout);
        IPAddress[] addresses;
        try
        {
            addresses = await _hosts.ResolveAsync(_broker.Host, timeout.Token).ConfigureAwait(false);
        }
        catch (SinkDeliveryException e)
        {
            throw ConnectFailed(e.Message, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ConnectFailed($"cannot resolve host '{_broker.Host}': no answer within {_operationTimeout.TotalSeconds:0.#} s", e);
        }

        // The checked addresses in the resolver's order, the next one only when the last refused the connection (a
        // name with an IPv6 and an IPv4 address, a broker listening on one of them): all within the one timeout. Only
        // the failure that ends the attempt is a warning; an address passed over on the way is a debug line.
        for (var i = 0; ; i++)
        {
            try
            {
                return await ConnectAsync(addresses[i], timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (SinkDeliveryException e) when (i < addresses.Length - 1 && e.InnerException is SocketException or MqttCommunicationException { InnerException: SocketException })
            {
                LogAddressRefused(_logger, _sinkId, addresses[i], e.Message);
            }
            catch (SinkDeliveryException e)
            {
                LogConnectFailed(_logger, _sinkId, e.Message);
                throw;
            }
        }
    }

    private async Task<IMqttClient> ConnectAsync(IPAddress address, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        var client = _factory.CreateMqttClient();
        _certificateRefusal = null;
        try
        {
            var result = await client.ConnectAsync(ClientOptions(address), timeout.Token).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new SinkDeliveryException(ConnectFailure(Refusal(result)));
            }

            // Retained, so a subscriber arriving later learns at once that this publisher is up (the will says when not).
            var online = new MqttApplicationMessageBuilder()
                .WithTopic(_topics.Status)
                .WithPayload(OnlinePayload)
                .WithRetainFlag()
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            var published = await client.PublishAsync(online, timeout.Token).ConfigureAwait(false);
            if (!published.IsSuccess)
            {
                throw new SinkDeliveryException(ConnectFailure(
                    $"the broker refused the status message on '{_topics.Status}' ({Describe(published.ReasonCode, published.ReasonString)})"));
            }
        }
        catch (Exception e) when (e is not SinkDeliveryException && IsConnectFailure(e, cancellationToken))
        {
            client.Dispose();
            throw new SinkDeliveryException(ConnectFailure(_certificateRefusal ?? (timeout.IsCancellationRequested
                ? $"no answer within {_operationTimeout.TotalSeconds:0.#} s"
                : Describe(e))), e);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        _client = client;
        LogConnected(_logger, _sinkId, _brokerText, ClientId);
        return client;
    }

    // The address dialled is the checked one (SinkHostGuard); TLS still verifies the certificate against the URL's host.
    private MqttClientOptions ClientOptions(IPAddress address)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithEndPoint(new IPEndPoint(address, _broker.Port))
            .WithClientId(ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithSessionExpiryInterval(0)
            .WithKeepAlivePeriod(KeepAlive)
            .WithTimeout(_operationTimeout)
            .WithWillTopic(_topics.Status)
            .WithWillPayload(OfflinePayload)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (_broker.UserName is not null)
        {
            builder = builder.WithCredentials(_broker.UserName, _broker.Password ?? string.Empty);
        }

        if (_broker.UseTls)
        {
            var allowUntrusted = _settings.AllowUntrustedCertificate;
            builder = builder.WithTlsOptions(tls =>
            {
                // Our own check (the platform's rules, plus the self-signed allowance) so that a refusal can say why.
                tls.UseTls().WithTargetHost(_broker.Host).WithCertificateValidationHandler(args =>
                {
                    // A self-signed broker: the chain may end in a root nobody trusts, but the certificate must still be
                    // there and name the host we dialled, so a wrong host is not accepted along with it.
                    var tolerated = allowUntrusted ? SslPolicyErrors.RemoteCertificateChainErrors : SslPolicyErrors.None;
                    var accepted = args.Certificate is not null && (args.SslPolicyErrors & ~tolerated) == SslPolicyErrors.None;
                    _certificateRefusal = accepted ? null : CertificateRefusal(args.SslPolicyErrors, args.Chain, allowUntrusted);
                    return accepted;
                });
            });
        }

        return builder.Build();
    }

    private async Task PublishAsync(
        IMqttClient client, string topic, ReadOnlyMemory<byte> payload, bool retain, SinkMessage message, CancellationToken cancellationToken)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayloadSegment(payload)
            .WithQualityOfServiceLevel(_qos)
            .WithRetainFlag(retain)
            .WithUserProperty("event-id", Encoding.UTF8.GetBytes(message.EventId).AsMemory());
        if (message.Position is not null)
        {
            builder = builder.WithUserProperty("position", Encoding.UTF8.GetBytes(message.Position).AsMemory());
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_operationTimeout);
        MqttClientPublishResult result;
        try
        {
            result = await client.PublishAsync(builder.Build(), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Whatever state the connection is in (a PUBACK may still come), the next send starts on a fresh one.
            DropClient();
            var reason = e is OperationCanceledException or MqttCommunicationTimedOutException
                ? $"the MQTT broker {_broker} did not acknowledge a message on '{topic}' within {_operationTimeout.TotalSeconds:0.#} s"
                : $"lost the connection to the MQTT broker {_broker} ({Describe(e)})";
            LogPublishFailed(_logger, _sinkId, reason);
            throw new SinkDeliveryException(Redact(reason), e);
        }

        if (!result.IsSuccess)
        {
            throw new SinkDeliveryException(Redact(
                $"the MQTT broker {_broker} refused a message on '{topic}' ({Describe(result.ReasonCode, result.ReasonString)})"));
        }
    }

    private void DropClient()
    {
        // Dispose without DISCONNECT: the socket closes, the broker treats it as a lost connection.
        _client?.Dispose();
        _client = null;
    }

    private static string CertificateRefusal(SslPolicyErrors errors, X509Chain? chain, bool allowUntrusted)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the broker sent no TLS certificate";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return "the broker's TLS certificate does not name the host in the URL";
        }

        var statuses = chain is null ? string.Empty : string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"the broker's TLS certificate is not trusted ({(statuses.Length > 0 ? statuses : errors.ToString())})"
            + (allowUntrusted ? string.Empty : "; a self-signed broker needs allowUntrustedCertificate");
    }

    private static bool IsConnectFailure(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        MqttCommunicationException or IOException or SocketException or AuthenticationException or ObjectDisposedException => true,
        _ => false,
    };

    // Logs why the connect failed and gives the exception that carries it to the sink's status.
    private SinkDeliveryException ConnectFailed(string why, Exception inner)
    {
        var reason = ConnectFailure(why);
        LogConnectFailed(_logger, _sinkId, reason);
        return new SinkDeliveryException(reason, inner);
    }

    private string ConnectFailure(string why) => Redact($"cannot connect to the MQTT broker {_broker}: {why}");

    // Belt and braces: no message built here contains the password, but one from a library or the OS might echo input.
    private string Redact(string text) =>
        string.IsNullOrEmpty(_broker.Password) ? text : text.Replace(_broker.Password, "***", StringComparison.Ordinal);

    // Brokers answer a wrong password and a missing one alike (mosquitto: NotAuthorized), so the text covers both.
    private string Refusal(MqttClientConnectResult result) => result.ResultCode switch
    {
        MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized => _broker.UserName is null
            ? $"the broker demands a user name and password ({Describe(result.ResultCode, result.ReasonString)})"
            : $"the broker refused user '{_broker.UserName}': wrong password, or the user is not allowed ({Describe(result.ResultCode, result.ReasonString)})",
        _ => $"the broker refused the connection ({Describe(result.ResultCode, result.ReasonString)})",
    };

    private static string Describe<T>(T code, string? reason)
        where T : struct, Enum => string.IsNullOrEmpty(reason) ? code.ToString() : $"{code}: {reason}";

    // The innermost message says what happened (connection refused, certificate rejected); the outer ones only that
    // connecting failed. Bad credentials come back as MQTTnet's connect failure naming the CONNACK reason.
    private static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var current = e; current is not null && parts.Count < 3; current = current.InnerException)
        {
            var text = current.Message.Trim().TrimEnd('.');
            if (text.Length > 0 && !parts.Exists(p => p.Contains(text, StringComparison.Ordinal)))
            {
                parts.Add(text);
            }
        }

        return parts.Count == 0 ? e.GetType().Name : string.Join(": ", parts);
    }

    [LoggerMessage(EventId = 3751, Level = LogLevel.Information, Message = "MQTT sink {SinkId} connected to {Broker} as {ClientId}")]
    private static partial void LogConnected(ILogger logger, string sinkId, string broker, string clientId);

    [LoggerMessage(EventId = 3752, Level = LogLevel.Warning, Message = "MQTT sink {SinkId}: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string sinkId, string reason);

    [LoggerMessage(EventId = 3753, Level = LogLevel.Information, Message = "MQTT sink {SinkId} lost its connection to {Broker}; reconnecting")]
    private static partial void LogConnectionLost(ILogger logger, string sinkId, string broker);

    [LoggerMessage(EventId = 3754, Level = LogLevel.Warning, Message = "MQTT sink {SinkId}: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string sinkId, string reason);

    [LoggerMessage(EventId = 3755, Level = LogLevel.Debug,
        Message = "MQTT sink {SinkId}: camera state message {EventId} of camera {CameraId} names no state; its availability topic is unchanged")]
    private static partial void LogNoCameraState(ILogger logger, string sinkId, string cameraId, string eventId);

    [LoggerMessage(EventId = 3756, Level = LogLevel.Debug, Message = "MQTT sink {SinkId}: {Address} refused ({Reason}); trying the broker's next address")]
    private static partial void LogAddressRefused(ILogger logger, string sinkId, IPAddress address, string reason);
}
