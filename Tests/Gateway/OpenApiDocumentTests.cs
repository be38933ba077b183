using System.Net;
using System.Text.Json;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>The OpenAPI document names each route's query parameters and the ProblemDetails responses it can give.</summary>
[Collection(SharedGateway.Name)]
public sealed class OpenApiDocumentTests(GatewayFixture gateway)
{
    public static TheoryData<string, string, string[]> QueryParameters => new()
    {
        { "/api/cameras/{id}/detections", "get", ["from", "classes", "minScore", "onlyWithDetections"] },
        { "/api/detections", "get", ["cameras", "from", "classes", "minScore", "onlyWithDetections"] },
        { "/ws/detections", "get", ["cameras", "from", "classes", "minScore"] },
        { "/api/cameras/{id}/history", "get", ["from", "to", "classes", "limit"] },
        { "/api/stats", "get", ["cameras", "from", "to", "bucket", "groupBy"] },
        { "/api/cameras/{id}/events", "get", ["from", "types", "zone"] },
        { "/api/events", "get", ["cameras", "from", "types", "zone"] },
        { "/ws/events", "get", ["cameras", "from", "types", "zone"] },
        { "/api/cameras/{id}/events/history", "get", ["from", "to", "type", "zone", "limit"] },
        { "/api/detect", "post", ["model", "minScore"] },
    };

    public static TheoryData<string, string, int[]> ProblemResponses => new()
    {
        { "/api/cameras/{id}", "get", [404] },
        { "/api/sinks", "post", [400, 409, 413, 415] },
        { "/api/sinks/{id}", "get", [404] },
        { "/api/sinks/{id}", "patch", [400, 404, 413, 415] },
        { "/api/sinks/{id}", "delete", [404] },
        { "/api/cameras", "post", [400, 409, 413, 415] },
        { "/api/cameras/{id}", "put", [404, 413, 415] },
        { "/api/cameras/{id}", "delete", [404] },
        { "/api/cameras/{id}/history", "get", [400, 404] },
        { "/api/cameras/{id}/events/history", "get", [400, 404] },
        { "/api/cameras/{id}/events", "get", [400, 404] },
        { "/api/detect", "post", [400, 413, 415] },
        { "/api/cameras/{id}/snapshot.jpg", "get", [404, 503] },
    };

    [Fact]
    public async Task The_camera_body_describes_every_tracking_setting()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var camera = schemas.GetProperty("CameraRequest").GetProperty("properties");
        Assert.True(camera.TryGetProperty("tracking", out _), "the camera body lacks tracking");
        var tracking = schemas.EnumerateObject().Single(s => s.Name.StartsWith("TrackingRequest", StringComparison.Ordinal)).Value;
        Assert.Contains("Inference:Tracking", tracking.GetProperty("description").GetString(), StringComparison.Ordinal);
        string[] fields = ["highScore", "lowScore", "newTrackScore", "matchCost", "lowMatchCost", "tentativeMatchCost", "boxBuffer", "lostTakeLowScores", "trackBuffer", "confirmHits"];
        var properties = tracking.GetProperty("properties");
        Assert.Equal(fields.Order(StringComparer.Ordinal), properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var field in fields)
        {
            Assert.Contains("silo", properties.GetProperty(field).GetProperty("description").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(QueryParameters))]
    public async Task Routes_list_the_query_parameters_they_read(string path, string method, string[] names)
    {
        var operation = (await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty(method);
        var query = operation.GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "query")
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p, StringComparer.Ordinal);
        foreach (var name in names)
        {
            Assert.True(query.TryGetValue(name, out var parameter), $"{method} {path} lacks ?{name}=");
            Assert.False(string.IsNullOrEmpty(parameter.GetProperty("description").GetString()));
            Assert.True(parameter.GetProperty("schema").TryGetProperty("type", out _));
        }

        if (names.Contains("minScore"))
        {
            Assert.Equal("number", query["minScore"].GetProperty("schema").GetProperty("type").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(ProblemResponses))]
    public async Task Routes_list_their_problem_responses_with_the_problem_details_schema(string path, string method, int[] statuses)
    {
        var document = await DocumentAsync();
        var responses = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");
        foreach (var status in statuses)
        {
            Assert.True(responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response), $"{method} {path} lacks {status}");
            var schema = response.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
            var reference = schema.GetProperty("$ref").GetString()!;
            var name = reference[(reference.LastIndexOf('/') + 1)..];
            var properties = document.GetProperty("components").GetProperty("schemas").GetProperty(name).GetProperty("properties");
            foreach (var member in new[] { "type", "title", "status", "detail" })
            {
                Assert.True(properties.TryGetProperty(member, out _), $"{name} lacks {member}");
            }
        }
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var response = await gateway.Anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
