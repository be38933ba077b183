using System.Text.Json;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>
/// Reads a JSON request body ourselves so that every malformed body — wrong content type, broken JSON,
/// wrong types — becomes a 400 ProblemDetails saying what is wrong, never a bare 400 or a 500.
/// </summary>
public static class JsonBody
{
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Ends the read.</param>
    /// <param name="what">What the body describes, for the message (<c>camera</c>, <c>sink</c>).</param>
    public static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken, string what = "camera")
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "the body must be JSON (Content-Type: application/json)");
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, GatewayJson.Options, cancellationToken);
            return value is null ? (null, "the body must be a JSON object") : (value, null);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } path ? $" at {path}" : string.Empty;
            return (null, $"the body is not a valid {what} object{where}: {FirstSentence(e.Message)}");
        }
    }

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..(dot + 1)] : message;
    }
}
