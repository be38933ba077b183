namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// One message a sink sends: a UTF-8 JSON payload and what a transport needs to route it. <see cref="EventId"/> is
/// unique per event and the same on every redelivery (receivers de-duplicate by it); <see cref="Position"/> is the
/// camera stream position the message came from (null for camera state changes and occupancy, which are not in a
/// stream).
/// </summary>
/// <param name="CameraId">The camera the message is about.</param>
/// <param name="Type">A <see cref="Contracts.Sinks.SinkEventTypes"/> value, or <see cref="Occupancy"/>.</param>
/// <param name="EventId">Unique per event, the same on redelivery.</param>
/// <param name="Position">The stream position it came from, or null.</param>
/// <param name="Subject">The zone (occupancy, zone events) or line (line crossings) the message is about; else null.</param>
/// <param name="Payload">UTF-8 JSON.</param>
/// <param name="Retain">MQTT: the broker keeps it as the topic's last value (occupancy, camera availability).</param>
public sealed record SinkMessage(
    string CameraId,
    string Type,
    string EventId,
    string? Position,
    string? Subject,
    ReadOnlyMemory<byte> Payload,
    bool Retain = false)
{
    /// <summary>A zone's current occupancy by class, sent after each zone event of that zone.</summary>
    public const string Occupancy = "zone.occupancy";
}
