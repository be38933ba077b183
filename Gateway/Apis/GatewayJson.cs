using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>The one JSON shape of the API: camelCase, enums as camelCase strings, nulls kept (the contract shows them).</summary>
public static class GatewayJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.NumberHandling = JsonNumberHandling.Strict;
        return options;
    }
}
