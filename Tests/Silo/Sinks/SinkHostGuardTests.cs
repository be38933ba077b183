using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Sinks;
using VideoAnalytics.Silo.Sinks.Mqtt;
using VideoAnalytics.Silo.Sinks.Webhook;
using VideoAnalytics.Tests.Silo.Cameras;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Sinks;

/// <summary>
/// A sink's host is resolved and checked where it is dialled: a name that resolves to a link-local address (a cloud
/// metadata service) is refused by both transports, and what they dial is the address that was checked. Names are
/// resolved by the test's own table (the <c>.test</c> domain is reserved), so nothing leaves the loopback.
/// </summary>
public sealed class SinkHostGuardTests
{
    private static readonly SinkHostGuard Guard = new(Table(new()
    {
        ["hooks.example.test"] = [IPAddress.Loopback],
        ["metadata.example.test"] = [IPAddress.Loopback, IPAddress.Parse("169.254.169.254")],
        ["v6-metadata.example.test"] = [IPAddress.Parse("fe80::1")],
        // Nothing listens on 127.0.0.2 (the broker is bound to 127.0.0.1): a first address that refuses.
        ["broker.example.test"] = [IPAddress.Parse("127.0.0.2"), IPAddress.Loopback],
    }));

    [Theory]
    [InlineData("metadata.example.test", "169.254.169.254")]
    [InlineData("v6-metadata.example.test", "fe80::1")]
    public async Task A_name_with_a_link_local_address_among_its_addresses_is_refused_naming_both(string host, string address)
    {
        var refusal = await Assert.ThrowsAsync<SinkDeliveryException>(() => Guard.ResolveAsync(host, CancellationToken.None));
        Assert.Contains($"host '{host}' resolves to the link-local address {address}", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("[fe80::1]")]
    [InlineData("metadata.google.internal")]
    public async Task Link_local_literals_and_metadata_names_are_refused_without_a_lookup(string host)
    {
        var guard = new SinkHostGuard((name, _) => throw new InvalidOperationException($"looked up {name}"));
        var refusal = await Assert.ThrowsAsync<SinkDeliveryException>(() => guard.ResolveAsync(host, CancellationToken.None));
        Assert.Contains("link-local", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_literals_pass_as_they_are_and_an_unknown_name_says_it_cannot_be_resolved()
    {
        Assert.Equal([IPAddress.Parse("10.1.2.3")], await Guard.ResolveAsync("10.1.2.3", CancellationToken.None));
        Assert.Equal([IPAddress.IPv6Loopback], await Guard.ResolveAsync("[::1]", CancellationToken.None));
        var failure = await Assert.ThrowsAsync<SinkDeliveryException>(() => Guard.ResolveAsync("nowhere.example.test", CancellationToken.None));
        Assert.StartsWith("cannot resolve host 'nowhere.example.test'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_silos_webhook_client_dials_the_checked_address_and_refuses_a_name_that_resolves_to_metadata()
    {
        using var services = WebhookServices();
        using var receiver = new TcpListener(IPAddress.Loopback, 0);
        receiver.Start();
        var port = ((IPEndPoint)receiver.LocalEndpoint).Port;
        var request = AnswerOneRequestAsync(receiver);
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(SinkTransportFactory.WebhookClient);

        var delivered = new WebhookSinkTransport(http, new WebhookSinkSettings { Url = $"http://hooks.example.test:{port}/hook", TimeoutSeconds = 10 });
        await delivered.SendAsync([Message()], CancellationToken.None);
        Assert.Contains($"Host: hooks.example.test:{port}", await request, StringComparison.Ordinal);

        var refused = new WebhookSinkTransport(http, new WebhookSinkSettings { Url = $"http://metadata.example.test:{port}/hook", TimeoutSeconds = 10 });
        var failure = await Assert.ThrowsAsync<SinkDeliveryException>(() => refused.SendAsync([Message()], CancellationToken.None));
        Assert.Contains("resolves to the link-local address 169.254.169.254", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith($"webhook http://metadata.example.test:{port}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mqtt_transport_refuses_a_broker_name_that_resolves_to_metadata()
    {
        await using var transport = new MqttSinkTransport("sink-1", new MqttSinkSettings { Url = "mqtt://metadata.example.test:1883" }, NullLogger.Instance, Guard);
        var failure = await Assert.ThrowsAsync<SinkDeliveryException>(() => transport.SendAsync([Message()], CancellationToken.None));
        Assert.Contains("cannot connect to the MQTT broker mqtt://metadata.example.test:1883: host 'metadata.example.test' resolves to the link-local address 169.254.169.254",
            failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mqtt_transport_dials_the_checked_addresses_in_order_past_one_that_refuses()
    {
        using var broker = MosquittoBroker.Start();
        await using var subscriber = await MqttTestSubscriber.ConnectAsync(broker, "videoanalytics/+/+");
        var log = new TestLogger<MqttSinkTransport>();
        await using var transport = new MqttSinkTransport(
            "sink-1", new MqttSinkSettings { Url = $"mqtt://broker.example.test:{broker.Port}" }, log, Guard);
        await transport.SendAsync([Message()], CancellationToken.None);
        Assert.Equal("cam-1:1", (await subscriber.NextAsync()).EventId);

        // The address passed over is a debug line, not a warning: the connection as a whole succeeded.
        Assert.DoesNotContain(log.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal));
        Assert.Single(log.Lines, line => line.StartsWith("Debug 3756", StringComparison.Ordinal) && line.Contains("127.0.0.2 refused", StringComparison.Ordinal));
    }

    private static SinkHostGuard.Resolver Table(Dictionary<string, IPAddress[]> names) => (host, _) =>
        names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : throw new SocketException((int)SocketError.HostNotFound);

    private static ServiceProvider WebhookServices()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSinks(new ConfigurationBuilder().Build());
        services.Replace(ServiceDescriptor.Singleton(Guard));
        return services.BuildServiceProvider();
    }

    private static SinkMessage Message() =>
        new("cam-1", SinkEventTypes.Detections, "cam-1:1", "1", null, Encoding.UTF8.GetBytes("""{"id":"cam-1:1"}"""));

    // A receiver that reads one request (head and body, so closing does not reset the connection under the client)
    // and answers 204: enough to see which host the request named.
    private static async Task<string> AnswerOneRequestAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!Complete(received.ToString()))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        return received.ToString();
    }

    private static bool Complete(string request)
    {
        var end = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = request[..end].Split("\r\n")
            .Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l["Content-Length:".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        return request.Length - (end + 4) >= length;
    }
}
