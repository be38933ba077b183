using System.Text.Json.Serialization;

namespace VideoAnalytics.Contracts.Analytics;

/// <summary>
/// The point of a tracked object's box that decides whether it is inside a zone or has crossed a line. Bottom centre
/// (where a person or a vehicle touches the ground) is the default, as in Frigate and DeepStream's analytics.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReferencePoint>))]
public enum ReferencePoint
{
    BottomCenter,
    Center,
    TopCenter,
}
