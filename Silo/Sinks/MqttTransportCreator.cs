using Microsoft.Extensions.Logging;
using VideoAnalytics.Contracts.Sinks;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// Makes an MQTT sink's transport from its settings, secrets already resolved. The MQTT feature registers one in DI
/// (<c>services.AddSingleton&lt;MqttTransportCreator&gt;((id, settings, logger) =&gt; new MqttSinkTransport(id, settings, logger))</c>);
/// without it, MQTT sinks are <c>failed</c> with a message saying this build has no MQTT transport.
/// </summary>
public delegate ISinkTransport MqttTransportCreator(string sinkId, MqttSinkSettings settings, ILogger logger);
