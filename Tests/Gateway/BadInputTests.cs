using VideoAnalytics.Tests.Support;
using System.Net;
using System.Text;
using System.Text.Json;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// Query values that used to be accepted silently (minScore=NaN, times like 1.5) and requests that used to get a bare
/// Kestrel reply (a control character in an id, thousands of query parameters) or a logged stack trace (a body over
/// the limit): each is now a 4xx ProblemDetails naming what is wrong.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class BadInputTests(GatewayFixture gateway)
{
    public static TheoryData<string, string> BadQueries => new()
    {
        { $"/api/cameras/{GatewayFixture.CameraId}/detections?minScore=NaN", "minScore" },
        { $"/api/cameras/{GatewayFixture.CameraId}/detections?minScore=nan", "minScore" },
        { $"/api/cameras/{GatewayFixture.CameraId}/detections?minScore=Infinity", "minScore" },
        { $"/api/cameras/{GatewayFixture.CameraId}/detections?minScore=-Infinity", "minScore" },
        { $"/api/cameras/{GatewayFixture.CameraId}/detections?minScore=1.01", "minScore" },
        { $"/api/detections?cameras={GatewayFixture.CameraId}&minScore=NaN", "minScore" },
        { $"/api/cameras/{GatewayFixture.CameraId}/history?from=1.5", "from" },
        { $"/api/cameras/{GatewayFixture.CameraId}/history?from=-1", "from" },
        { $"/api/cameras/{GatewayFixture.CameraId}/history?from=99999999", "from" },
        { $"/api/cameras/{GatewayFixture.CameraId}/history?to=abc", "to" },
        { $"/api/cameras/{GatewayFixture.CameraId}/history?to=1/2/2026", "to" },
        { $"/api/cameras/{GatewayFixture.CameraId}/history?limit=NaN", "limit" },
        { $"/api/cameras/{GatewayFixture.CameraId}/history?limit=1.5", "limit" },
        { $"/api/cameras/{GatewayFixture.CameraId}/history?limit=-1", "limit" },
        { $"/api/cameras/{GatewayFixture.CameraId}/history?limit=99999999", "limit" },
        { "/api/stats?from=1.5", "from" },
        { "/api/stats?to=Infinity", "to" },
        { $"/api/detect?minScore=NaN", "minScore" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task A_bad_query_value_is_a_400_naming_the_field(string route, string field)
    {
        using var request = new HttpRequestMessage(route.StartsWith("/api/detect?", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, route);
        using var response = await gateway.Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_good_iso_time_is_still_accepted()
    {
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        using var response = await gateway.Viewer.GetAsync($"/api/cameras/{GatewayFixture.CameraId}/history?from={from}&limit=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var dateOnly = await gateway.Viewer.GetAsync($"/api/stats?from=2026-01-01&to=2026-01-01T12:00Z&bucket=1h");
        Assert.Equal(HttpStatusCode.OK, dateOnly.StatusCode);
    }

    [Theory]
    [InlineData("/api/cameras/%01")]
    [InlineData("/api/cameras/a%0Ab")]
    [InlineData("/api/cameras/%7F/history")]
    public async Task An_id_with_control_characters_is_a_400_naming_the_id(string route)
    {
        using var response = await gateway.Viewer.GetAsync(route);
        await Problem.AssertNamesFieldAsync(response, "id");
    }

    [Fact]
    public async Task Five_thousand_query_parameters_get_a_414_problem()
    {
        var query = string.Join('&', Enumerable.Range(0, 5000).Select(i => $"p{i}={i}"));
        using var response = await gateway.Viewer.GetAsync("/api/cameras?" + query);
        var problem = await Problem.AssertAsync(response, HttpStatusCode.RequestUriTooLong);
        Assert.Contains("query", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The service still answers on the same terms afterwards.
        using var fine = await gateway.Viewer.GetAsync("/api/cameras?" + string.Join('&', Enumerable.Range(0, 50).Select(i => $"p{i}={i}")));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task An_oversized_json_body_is_a_413_problem_logged_as_one_warning()
    {
        var url = new string('a', (int)GatewayFixture.MaxBodyBytes + 1000);
        var body = JsonSerializer.Serialize(new { id = "too-big", url });
        // Expect: 100-continue lets the server refuse on the declared length before the body is sent; without it the
        // early 413 can cut the upload off and the client sees a broken pipe instead (seen in two suites at once).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cameras") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        using var response = await gateway.Admin.SendAsync(request);
        var problem = await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("Security:MaxRequestBodyBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The console logger writes from a queue of its own: the line may follow the response by a moment.
        await Eventually.UntilAsync(() => gateway.Service.Output.Contains("POST /api/cameras refused with 413", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the 413 warning in the service log");
        var output = gateway.Service.Output;
        Assert.DoesNotContain("BadHttpRequestException", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request body too large", output, StringComparison.Ordinal);
    }
}
