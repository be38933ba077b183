namespace VideoAnalytics.Silo.Sinks.Mqtt;

/// <summary>
/// The topics an MQTT sink publishes to, from its template (<see cref="Contracts.Sinks.MqttSinkSettings.Topic"/>, e.g.
/// <c>videoanalytics/{camera}/{type}</c>):
/// <list type="bullet">
/// <item>each message: the template with <c>{camera}</c> and <c>{type}</c> replaced;</item>
/// <item>a zone's occupancy: that topic (type <c>zone.occupancy</c>) + <c>/{zone}</c>, so each zone has its own retained value;</item>
/// <item>a camera's availability: the template up to its <c>{camera}</c> level + <c>/availability</c>
/// (<c>videoanalytics/cam-1/availability</c>), a device-level topic as home-automation consumers expect;</item>
/// <item>the publisher's own status (online, or its last will offline): the template's first level + <c>/status</c>.</item>
/// </list>
/// Values put into a level are sanitised: MQTT gives <c>/</c>, <c>+</c> and <c>#</c> meaning in topic names and filters, so a
/// zone named "a/b" or "#1" must not create levels or wildcards; they become <c>_</c>.
/// </summary>
public sealed class MqttTopics
{
    public const string CameraPlaceholder = "{camera}";
    public const string TypePlaceholder = "{type}";
    public const string DefaultPrefix = "videoanalytics";

    private readonly string _template;
    private readonly string _availabilityTemplate;

    private MqttTopics(string template)
    {
        _template = template;
        var levels = template.Split('/');
        var cameraLevel = Array.IndexOf(levels, CameraPlaceholder);
        _availabilityTemplate = cameraLevel < 0
            ? $"{Prefix(levels)}/{CameraPlaceholder}/availability"
            : string.Join('/', levels[..(cameraLevel + 1)]) + "/availability";
        Status = Prefix(levels) + "/status";
    }

    /// <summary>Where the publisher says <c>online</c> (retained, on connect) and its last will says <c>offline</c>.</summary>
    public string Status { get; }

    /// <summary>Checks <paramref name="template"/>, or says why it is not a usable topic template.</summary>
    public static bool TryCreate(string? template, out MqttTopics? topics, out string? error)
    {
        topics = null;
        if (string.IsNullOrWhiteSpace(template))
        {
            error = "the topic template is empty";
            return false;
        }

        if (template.AsSpan().IndexOfAny('+', '#', '\0') >= 0)
        {
            error = "the topic template must not contain the MQTT wildcards + or # (or a NUL character)";
            return false;
        }

        if (template.StartsWith('$') || template.StartsWith('/') || template.EndsWith('/') || template.Contains("//", StringComparison.Ordinal))
        {
            error = "the topic template must not start with $ or /, end with /, or have an empty level";
            return false;
        }

        topics = new MqttTopics(template);
        error = null;
        return true;
    }

    /// <summary>The topic of a message of <paramref name="type"/> about <paramref name="cameraId"/>.</summary>
    public string For(string cameraId, string type) =>
        _template.Replace(CameraPlaceholder, Level(cameraId), StringComparison.Ordinal)
                 .Replace(TypePlaceholder, Level(type), StringComparison.Ordinal);

    /// <summary>The retained topic of one zone's occupancy.</summary>
    public string Occupancy(string cameraId, string type, string zone) => For(cameraId, type) + "/" + Level(zone);

    /// <summary>The retained <c>online</c>/<c>offline</c> topic of a camera.</summary>
    public string Availability(string cameraId) =>
        _availabilityTemplate.Replace(CameraPlaceholder, Level(cameraId), StringComparison.Ordinal);

    /// <summary>One topic level holding <paramref name="value"/>: no level separator, no wildcard, never empty.</summary>
    public static string Level(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "_";
        }

        return value.AsSpan().IndexOfAny("/+#\0") < 0
            ? value
            : string.Create(value.Length, value, static (span, v) =>
            {
                for (var i = 0; i < v.Length; i++)
                {
                    span[i] = v[i] is '/' or '+' or '#' or '\0' ? '_' : v[i];
                }
            });
    }

    // The status topic lives under the template's fixed first level ("videoanalytics" of videoanalytics/{camera}/{type});
    // a template that starts with a placeholder has none, so the default prefix stands in.
    private static string Prefix(string[] levels) => levels[0].Contains('{', StringComparison.Ordinal) ? DefaultPrefix : levels[0];
}
