using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>API keys and roles with keys configured: 401 without or with a wrong key, 403 for viewers on mutations.</summary>
[Collection(SharedGateway.Name)]
public sealed class SecurityTests(GatewayFixture gateway)
{
    public static TheoryData<string> ViewerRoutes => new()
    {
        "/api/cameras",
        $"/api/cameras/{GatewayFixture.CameraId}",
        $"/api/cameras/{GatewayFixture.CameraId}/history",
        "/api/stats",
        "/metrics",
    };

    [Theory]
    [MemberData(nameof(ViewerRoutes))]
    public async Task Reads_need_a_key_and_accept_either_role_and_header(string route)
    {
        using var anonymous = await gateway.Anonymous.GetAsync(route);
        await Problem.AssertAsync(anonymous, HttpStatusCode.Unauthorized);

        using var wrong = gateway.Client(c => c.DefaultRequestHeaders.Add("X-Api-Key", "not-a-key-at-all"));
        using var wrongResponse = await wrong.GetAsync(route);
        await Problem.AssertAsync(wrongResponse, HttpStatusCode.Unauthorized);

        using var viewer = await gateway.Viewer.GetAsync(route);
        Assert.Equal(HttpStatusCode.OK, viewer.StatusCode);
        using var admin = await gateway.Admin.GetAsync(route);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        using var adminBearer = gateway.Client(c => c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.AdminKey));
        using var bearer = await adminBearer.GetAsync(route);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
    }

    [Fact]
    public async Task Mutations_are_admin_only()
    {
        using var viewerPost = await gateway.Viewer.PostAsJsonAsync("/api/cameras", new { id = "v1", url = gateway.Clip });
        await Problem.AssertAsync(viewerPost, HttpStatusCode.Forbidden);
        using var viewerPatch = await gateway.Viewer.PatchAsJsonAsync($"/api/cameras/{GatewayFixture.CameraId}", new { fps = 1 });
        await Problem.AssertAsync(viewerPatch, HttpStatusCode.Forbidden);
        using var viewerDelete = await gateway.Viewer.DeleteAsync($"/api/cameras/{GatewayFixture.CameraId}");
        await Problem.AssertAsync(viewerDelete, HttpStatusCode.Forbidden);
        using var anonymousDelete = await gateway.Anonymous.DeleteAsync($"/api/cameras/{GatewayFixture.CameraId}");
        await Problem.AssertAsync(anonymousDelete, HttpStatusCode.Unauthorized);

        // The camera is untouched.
        var camera = await gateway.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/cameras/{GatewayFixture.CameraId}");
        Assert.Equal(25, camera.GetProperty("fps").GetDouble());
    }

    [Fact]
    public async Task Health_and_openapi_need_no_key()
    {
        using var health = await gateway.Anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var openApi = await gateway.Anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    [Fact]
    public async Task Cors_is_off_by_default()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/cameras");
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await gateway.Anonymous.SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
