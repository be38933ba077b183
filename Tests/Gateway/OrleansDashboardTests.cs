using System.Net;
using System.Text.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>Orleans' dashboard at /orleans: admins only, and usable from a browser after opening it with ?apiKey=.</summary>
[Collection(SharedGateway.Name)]
public sealed class OrleansDashboardTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Only_admins_see_it()
    {
        using var anonymous = await gateway.Anonymous.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var viewer = await gateway.Viewer.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);

        using var admin = await gateway.Admin.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("text/html", admin.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Opened_with_an_admin_key_in_the_query_its_page_can_fetch_the_cluster_by_cookie()
    {
        using var handler = new HttpClientHandler { UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = gateway.BaseAddress };
        using var page = await browser.GetAsync($"/orleans/?apiKey={GatewayFixture.AdminKey}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var cookie = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/orleans", cookie, StringComparison.OrdinalIgnoreCase);

        // The silos' counters, as the page's script asks for them: the camera grain of the fixture's camera is there,
        // and the silo's inference grain (activated at start, kept alive).
        var counters = await Eventually.UntilAsync(
            async () => await browser.GetStringAsync(new Uri("/orleans/DashboardCounters", UriKind.Relative)),
            text => text.Contains("CameraGrain", StringComparison.Ordinal) && text.Contains("InferenceGrain", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "the dashboard counting camera and inference grains");
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(counters).RootElement.ValueKind);

        // The cookie is the dashboard's only: the API still wants a key.
        using var api = await browser.GetAsync(new Uri("/api/cameras", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }
}
