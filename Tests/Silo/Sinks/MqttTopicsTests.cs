using Microsoft.Extensions.Logging.Abstractions;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Sinks.Mqtt;

namespace VideoAnalytics.Tests.Silo.Sinks;

/// <summary>An MQTT sink's broker URL and topic template, without a broker.</summary>
public sealed class MqttTopicsTests
{
    [Theory]
    [InlineData("mqtt://broker", "broker", 1883, false, null, null)]
    [InlineData("mqtts://broker.example", "broker.example", 8883, true, null, null)]
    [InlineData("mqtt://10.0.0.5:1884", "10.0.0.5", 1884, false, null, null)]
    [InlineData("mqtts://ha:p%40ss%3Aword@broker:8884", "broker", 8884, true, "ha", "p@ss:word")]
    [InlineData("mqtt://ha@broker/", "broker", 1883, false, "ha", null)]
    public void A_broker_url_names_host_port_tls_and_credentials(string url, string host, int port, bool tls, string? user, string? password)
    {
        Assert.True(MqttBrokerAddress.TryParse(url, out var address, out var error), error);
        Assert.Equal(new MqttBrokerAddress(host, port, tls, user, password), address);
    }

    [Theory]
    [InlineData("http://broker", "scheme")]
    [InlineData("broker:1883", "scheme")]
    [InlineData("", "mqtt://host")]
    [InlineData("mqtt://broker/videoanalytics/#", "path")]
    [InlineData("mqtt://:pw@broker", "user")]
    public void A_bad_broker_url_is_refused_with_a_reason(string url, string reason)
    {
        Assert.False(MqttBrokerAddress.TryParse(url, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broker_address_never_shows_its_password()
    {
        Assert.True(MqttBrokerAddress.TryParse("mqtts://ha:hunter2@broker", out var address, out _));
        Assert.Equal("mqtts://ha@broker:8883", address!.ToString());
        Assert.DoesNotContain("hunter2", address.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_template_gives_type_occupancy_availability_and_status_topics()
    {
        Assert.True(MqttTopics.TryCreate(MqttSinkSettings.DefaultTopic, out var topics, out _));
        Assert.Equal("videoanalytics/cam-1/detections", topics!.For("cam-1", SinkEventTypes.Detections));
        Assert.Equal("videoanalytics/cam-1/zone.occupancy/door", topics.Occupancy("cam-1", "zone.occupancy", "door"));
        Assert.Equal("videoanalytics/cam-1/availability", topics.Availability("cam-1"));
        Assert.Equal("videoanalytics/status", topics.Status);
    }

    [Theory]
    [InlineData("site/a/{camera}/events/{type}", "site/a/c/events/line.cross", "site/a/c/availability", "site/status")]
    [InlineData("{camera}/{type}", "c/line.cross", "c/availability", "videoanalytics/status")]
    [InlineData("cams/all", "cams/all", "cams/c/availability", "cams/status")]
    public void Other_templates_place_availability_under_the_camera_and_status_under_the_first_level(
        string template, string topic, string availability, string status)
    {
        Assert.True(MqttTopics.TryCreate(template, out var topics, out _));
        Assert.Equal(topic, topics!.For("c", SinkEventTypes.LineCross));
        Assert.Equal(availability, topics.Availability("c"));
        Assert.Equal(status, topics.Status);
    }

    [Theory]
    [InlineData("a/b", "a_b")]
    [InlineData("+", "_")]
    [InlineData("#x", "_x")]
    [InlineData("", "_")]
    [InlineData("zone 1", "zone 1")]
    public void A_value_becomes_one_topic_level_without_wildcards(string value, string level) =>
        Assert.Equal(level, MqttTopics.Level(value));

    [Theory]
    [InlineData("videoanalytics/#")]
    [InlineData("videoanalytics/+/{type}")]
    [InlineData("/videoanalytics/{camera}")]
    [InlineData("videoanalytics//{camera}")]
    [InlineData("$SYS/{camera}")]
    [InlineData(" ")]
    public void A_template_with_wildcards_or_empty_levels_is_refused(string template) =>
        Assert.False(MqttTopics.TryCreate(template, out _, out _));

    [Theory]
    [InlineData("http://broker", 1, "{camera}")]
    [InlineData("mqtt://broker", 2, "{camera}")]
    [InlineData("mqtt://broker", 1, "a/#")]
    public void The_transport_refuses_settings_it_cannot_use(string url, int qos, string topic) =>
        Assert.Throws<ArgumentException>(() => new MqttSinkTransport("s", new MqttSinkSettings { Url = url, Qos = qos, Topic = topic }, NullLogger.Instance));

    [Theory]
    [InlineData("""{"state":"streaming"}""", "online")]
    [InlineData("""{"state":"Streaming"}""", "online")]
    [InlineData("""{"state":"reconnecting"}""", "offline")]
    [InlineData("""{"status":{"state":"stopped"}}""", "offline")]
    [InlineData("""{"camera":"c"}""", null)]
    [InlineData("not json", null)]
    public void A_camera_state_payload_says_whether_the_camera_is_online(string json, string? availability) =>
        Assert.Equal(availability, CameraAvailability.FromPayload(System.Text.Encoding.UTF8.GetBytes(json)));
}
