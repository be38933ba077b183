using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Sinks;
using VideoAnalytics.Silo.Sinks.Mqtt;
using VideoAnalytics.Tests.Support;
using Xunit.Abstractions;

namespace VideoAnalytics.Tests.Silo.Sinks;

/// <summary>
/// The MQTT sink transport against a real mosquitto (started by each test on its own loopback port), observed by a
/// subscriber of the test's own: what a home-automation or analytics consumer would see.
/// </summary>
public sealed class MqttSinkTransportTests(ITestOutputHelper output)
{
    private const string Password = "s3cr3t-Pa55word";
    private static readonly MosquittoCredentials Sink = new("sink", Password);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Delivers_every_message_in_order_on_its_topic_with_its_payload(int qos)
    {
        using var broker = MosquittoBroker.Start();
        await using var subscriber = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/+/+");
        await using var transport = Transport(broker.Url(), qos: qos);
        string[] types = [SinkEventTypes.Detections, SinkEventTypes.ZoneEnter, SinkEventTypes.LineCross, SinkEventTypes.ZoneExit];
        var messages = Enumerable.Range(1, 40)
            .Select(n => Message(n % 2 == 0 ? "cam-1" : "cam-2", types[n % types.Length], n))
            .ToList();

        await transport.SendAsync(messages[..25], CancellationToken.None);
        await transport.SendAsync(messages[25..], CancellationToken.None);

        var received = await subscriber.NextAsync(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            Assert.Equal($"videoanalytics/{messages[i].CameraId}/{messages[i].Type}", received[i].Topic);
            Assert.Equal(messages[i].Payload.ToArray(), received[i].Payload);
            Assert.Equal(messages[i].EventId, received[i].EventId);
            Assert.Equal((MqttQualityOfServiceLevel)qos, received[i].Qos);
            Assert.False(received[i].Retain);
        }
    }

    [Fact]
    public async Task Occupancy_is_retained_per_zone_so_a_late_subscriber_gets_each_zones_latest()
    {
        using var broker = MosquittoBroker.Start();
        await using var transport = Transport(broker.Url());
        await transport.SendAsync(
            [Occupancy("cam-1", "door", """{"person":1}"""), Occupancy("cam-1", "door", """{"person":2}"""), Occupancy("cam-1", "a/b+#", """{"car":3}""")],
            CancellationToken.None);

        await using var late = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/cam-1/zone.occupancy/#");
        var retained = await late.NextAsync(2);
        Assert.All(retained, m => Assert.True(m.Retain));
        var byTopic = retained.ToDictionary(m => m.Topic, m => m.Text);
        Assert.Equal("""{"person":2}""", byTopic["videoanalytics/cam-1/zone.occupancy/door"]);
        // The zone's name cannot add topic levels or wildcards.
        Assert.Equal("""{"car":3}""", byTopic["videoanalytics/cam-1/zone.occupancy/a_b__"]);

        // Nothing else was retained: the next message is one sent after subscribing.
        await transport.SendAsync([Occupancy("cam-1", "lane", """{"car":0}""")], CancellationToken.None);
        var live = await late.NextAsync();
        Assert.Equal("videoanalytics/cam-1/zone.occupancy/lane", live.Topic);
    }

    [Fact]
    public async Task Occupancy_is_not_retained_when_the_sink_turns_retaining_off()
    {
        using var broker = MosquittoBroker.Start();
        await using var transport = Transport(broker.Url(), retainOccupancy: false);
        await transport.SendAsync([Occupancy("cam-1", "door", """{"person":1}""")], CancellationToken.None);

        await using var late = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/#");
        await transport.SendAsync([Message("cam-1", SinkEventTypes.Detections, 1)], CancellationToken.None);
        var before = new List<ReceivedMqttMessage>();
        for (var m = await late.NextAsync(); m.Topic != "videoanalytics/cam-1/detections"; m = await late.NextAsync())
        {
            before.Add(m);
        }

        Assert.DoesNotContain(before, m => m.Topic.Contains("occupancy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_camera_state_message_sets_the_cameras_retained_availability()
    {
        using var broker = MosquittoBroker.Start();
        await using var transport = Transport(broker.Url());
        await transport.SendAsync(
            [CameraState("cam-1", """{"camera":"cam-1","state":"streaming"}"""), CameraState("cam-2", """{"camera":"cam-2","status":{"state":"Failed"}}""")],
            CancellationToken.None);

        await using var late = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/+/availability");
        var retained = (await late.NextAsync(2)).ToDictionary(m => m.Topic);
        Assert.Equal("online", retained["videoanalytics/cam-1/availability"].Text);
        Assert.Equal("offline", retained["videoanalytics/cam-2/availability"].Text);
        Assert.All(retained.Values, m => Assert.True(m.Retain));

        await transport.SendAsync([CameraState("cam-1", """{"camera":"cam-1","state":"reconnecting"}""")], CancellationToken.None);
        var now = await late.NextAsync();
        Assert.Equal(("videoanalytics/cam-1/availability", "offline"), (now.Topic, now.Text));
    }

    [Fact]
    public async Task The_status_topic_says_online_while_connected_and_the_last_will_says_offline_when_the_connection_drops()
    {
        using var broker = MosquittoBroker.Start();
        await using var status = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/status");
        var transport = Transport(broker.Url());
        try
        {
            await transport.SendAsync([Message("cam-1", SinkEventTypes.Detections, 1)], CancellationToken.None);
            Assert.Equal("online", (await status.NextAsync()).Text);

            // No DISCONNECT, as when the silo dies: the broker publishes the will.
            await transport.AbortConnectionAsync();
            Assert.Equal("offline", (await status.NextAsync()).Text);

            await transport.SendAsync([Message("cam-1", SinkEventTypes.Detections, 2)], CancellationToken.None);
            Assert.Equal("online", (await status.NextAsync()).Text);
        }
        finally
        {
            await transport.DisposeAsync();
        }

        // A sink that stops says so too (a disconnect that asks for the will).
        Assert.Equal("offline", (await status.NextAsync()).Text);
        await using var late = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/status");
        var retained = await late.NextAsync();
        Assert.Equal(("offline", true), (retained.Text, retained.Retain));
    }

    [Fact]
    public async Task A_killed_broker_fails_the_send_without_the_password_and_after_its_restart_the_resend_delivers_everything_in_order()
    {
        using var broker = MosquittoBroker.Start(Sink);
        await using var subscriber = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/+/+");
        var log = new RecordingLogger();
        await using var transport = Transport(broker.Url(Sink.User, Sink.Password), log);
        var messages = Enumerable.Range(1, 20).Select(n => Message("cam-1", SinkEventTypes.Detections, n)).ToList();
        await transport.SendAsync(messages[..10], CancellationToken.None);
        Assert.Equal(10, (await subscriber.NextAsync(10)).Count);

        broker.Kill();
        // The first try may find the connection not yet known dead (the publish fails), the second cannot connect.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var failure = await Assert.ThrowsAsync<SinkDeliveryException>(() => transport.SendAsync(messages[10..], CancellationToken.None));
            output.WriteLine(failure.Message);
            Assert.Contains($"127.0.0.1:{broker.Port}", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, failure.Message, StringComparison.Ordinal);
        }

        broker.Start();
        await subscriber.ReconnectAsync("videoanalytics/+/+");
        // What the sink's delivery loop does after a failure: the same messages again, from its checkpoint.
        await transport.SendAsync(messages[10..], CancellationToken.None);

        var resent = await subscriber.NextAsync(10);
        Assert.Equal(messages[10..].Select(m => m.EventId), resent.Select(m => m.EventId));
        Assert.DoesNotContain(Password, log.Text, StringComparison.Ordinal);
        Assert.Contains("connected to mqtt://sink@127.0.0.1", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frozen_broker_fails_the_send_within_the_timeout_and_once_it_answers_again_the_resend_delivers()
    {
        using var broker = MosquittoBroker.Start();
        await using var subscriber = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/+/+");
        await using var transport = new MqttSinkTransport(
            "sink-1", new MqttSinkSettings { Url = broker.Url() }, new RecordingLogger(), TimeSpan.FromSeconds(2));
        await transport.SendAsync([Message("cam-1", SinkEventTypes.Detections, 1)], CancellationToken.None);
        Assert.Equal("cam-1:1", (await subscriber.NextAsync()).EventId);

        // The connection stays up but no PUBACK comes: the send must fail, not hang.
        broker.Freeze();
        try
        {
            var failure = await Assert.ThrowsAsync<SinkDeliveryException>(
                () => transport.SendAsync([Message("cam-1", SinkEventTypes.Detections, 2)], CancellationToken.None));
            output.WriteLine(failure.Message);
            Assert.Contains($"mqtt://127.0.0.1:{broker.Port} did not acknowledge a message on 'videoanalytics/cam-1/detections' within 2 s", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            broker.Thaw();
        }

        // Re-sent, message 2 arrives (perhaps twice: the broker may have taken the first copy; the event id tells).
        await transport.SendAsync([Message("cam-1", SinkEventTypes.Detections, 2), Message("cam-1", SinkEventTypes.Detections, 3)], CancellationToken.None);
        var ids = new List<string?>();
        while (ids.LastOrDefault() != "cam-1:3")
        {
            ids.Add((await subscriber.NextAsync()).EventId);
        }

        Assert.Equal(new[] { "cam-1:2", "cam-1:3" }, ids.Distinct());
    }

    [Fact]
    public async Task A_broker_with_a_password_file_accepts_its_user_and_refuses_a_wrong_password_without_echoing_it()
    {
        using var broker = MosquittoBroker.Start(Sink);
        await using var subscriber = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/+/+");

        await using (var right = Transport(broker.Url(Sink.User, Sink.Password)))
        {
            await right.SendAsync([Message("cam-1", SinkEventTypes.Detections, 1)], CancellationToken.None);
            Assert.Equal("cam-1:1", (await subscriber.NextAsync()).EventId);
        }

        const string wrong = "wr0ng-Pa55word";
        var log = new RecordingLogger();
        await using (var bad = Transport(broker.Url(Sink.User, wrong), log))
        {
            var failure = await Assert.ThrowsAsync<SinkDeliveryException>(
                () => bad.SendAsync([Message("cam-1", SinkEventTypes.Detections, 2)], CancellationToken.None));
            output.WriteLine(failure.Message);
            Assert.Contains("refused user 'sink': wrong password", failure.Message, StringComparison.Ordinal);
            Assert.Contains($"mqtt://sink@127.0.0.1:{broker.Port}", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, log.Text, StringComparison.Ordinal);
        }

        await using (var anonymous = Transport(broker.Url()))
        {
            var failure = await Assert.ThrowsAsync<SinkDeliveryException>(
                () => anonymous.SendAsync([Message("cam-1", SinkEventTypes.Detections, 3)], CancellationToken.None));
            output.WriteLine(failure.Message);
            Assert.Contains("demands a user name and password", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tls_to_a_self_signed_broker_works_with_AllowUntrustedCertificate_and_fails_clearly_without_it()
    {
        using var broker = MosquittoBroker.Start(tls: true);
        await using var subscriber = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/+/+");

        await using (var trusting = Transport(broker.TlsUrl(), allowUntrusted: true))
        {
            await trusting.SendAsync([Message("cam-1", SinkEventTypes.Detections, 1)], CancellationToken.None);
            Assert.Equal("cam-1:1", (await subscriber.NextAsync()).EventId);
        }

        await using (var strict = Transport(broker.TlsUrl()))
        {
            var failure = await Assert.ThrowsAsync<SinkDeliveryException>(
                () => strict.SendAsync([Message("cam-1", SinkEventTypes.Detections, 2)], CancellationToken.None));
            output.WriteLine(failure.Message);
            Assert.Contains("certificate is not trusted", failure.Message, StringComparison.Ordinal);
            Assert.Contains("allowUntrustedCertificate", failure.Message, StringComparison.Ordinal);
            Assert.Contains($"mqtts://localhost:{broker.TlsPort}", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_cancelled_send_is_a_cancellation_not_a_delivery_failure()
    {
        using var broker = MosquittoBroker.Start();
        await using var transport = Transport(broker.Url());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => transport.SendAsync([Message("cam-1", SinkEventTypes.Detections, 1)], cancelled.Token));
    }

    private static MqttSinkTransport Transport(
        string url, ILogger? logger = null, int qos = 1, bool retainOccupancy = true, bool allowUntrusted = false) =>
        new("sink-1", new MqttSinkSettings { Url = url, Qos = qos, RetainOccupancy = retainOccupancy, AllowUntrustedCertificate = allowUntrusted },
            logger ?? new RecordingLogger());

    private static SinkMessage Message(string camera, string type, int n) =>
        new(camera, type, $"{camera}:{n}", n.ToString(CultureInfo.InvariantCulture), null,
            Encoding.UTF8.GetBytes($$"""{"id":"{{camera}}:{{n}}","type":"{{type}}","n":{{n}}}"""));

    private static SinkMessage Occupancy(string camera, string zone, string json) =>
        new(camera, SinkMessage.Occupancy, $"{camera}:{zone}:{json.GetHashCode(StringComparison.Ordinal)}", null, zone, Encoding.UTF8.GetBytes(json));

    private static SinkMessage CameraState(string camera, string json) =>
        new(camera, SinkEventTypes.CameraState, $"{camera}:state:{json.Length}", null, null, Encoding.UTF8.GetBytes(json));

    /// <summary>Keeps what the transport logs, to check that no password ever reaches a log.</summary>
    private sealed class RecordingLogger : ILogger
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_text)
            {
                _text.AppendLine(formatter(state, exception)).AppendLine(exception?.ToString());
            }
        }
    }
}
