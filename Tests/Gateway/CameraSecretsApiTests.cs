using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// Secret references a silo cannot resolve are a 400 naming <c>url</c> that quotes the reference and states the rule
/// (issue 15: secrets not stored in the registry). Cameras are registered disabled: nothing connects anywhere.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class CameraSecretsApiTests(GatewayFixture gateway)
{
    [Theory]
    [InlineData("rtsp://admin:${env:AWS_SECRET_ACCESS_KEY}@127.0.0.1/live", "only variables whose names start with VA_CAMERA_")]
    [InlineData("rtsp://admin:${env:HOME}@127.0.0.1/live", "only variables whose names start with VA_CAMERA_")]
    [InlineData("rtsp://admin:${env:VA_CAMERA_NOT_SET_IN_THE_TESTS}@127.0.0.1/live", "which is not set in the silo process")]
    [InlineData("rtsp://admin:${file:va-test-no-such-secret}@127.0.0.1/live", "which does not exist")]
    [InlineData("rtsp://admin:${file:../../etc/passwd}@127.0.0.1/live", "not a plain file name")]
    [InlineData("rtsp://admin:${env:VA_CAMERA_X@127.0.0.1/live", "does not start a well-formed secret reference")]
    [InlineData("http://127.0.0.1/x.mjpg?token=${shell:id}", "unknown secret source 'shell'")]
    [InlineData("media/${env:VA_CAMERA_CLIP}.mp4", "resolved only in rtsp://, rtsps:// and http(s):// URLs")]
    public async Task An_unresolvable_secret_reference_is_a_400_naming_url_with_the_rule(string url, string why)
    {
        using var response = await gateway.Admin.PostAsJsonAsync("/api/cameras", new { id = "secret-ref", url, enabled = false });

        await Problem.AssertNamesFieldAsync(response, "url");
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("url")[0].GetString()!;
        Assert.Contains(why, message, StringComparison.Ordinal);
        Assert.Contains("${env:NAME}", message, StringComparison.Ordinal);
        Assert.Contains("Cameras:SecretsDirectory", message, StringComparison.Ordinal);
        using var absent = await gateway.Viewer.GetAsync("/api/cameras/secret-ref");
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public async Task Editing_a_camera_to_an_unresolvable_reference_is_a_400_and_keeps_the_old_url()
    {
        using var created = await gateway.Admin.PostAsJsonAsync("/api/cameras", new { id = "secret-edit", url = "rtsp://127.0.0.1:9/live", enabled = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        try
        {
            using var patched = await gateway.Admin.PatchAsJsonAsync("/api/cameras/secret-edit", new { url = "rtsp://admin:${env:VA_CAMERA_NOT_SET_IN_THE_TESTS}@127.0.0.1:9/live" });
            await Problem.AssertNamesFieldAsync(patched, "url");
            var view = await gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras/secret-edit");
            Assert.Equal("rtsp://127.0.0.1:9/live", view.GetProperty("url").GetString());
        }
        finally
        {
            using var _ = await gateway.Admin.DeleteAsync("/api/cameras/secret-edit");
        }
    }
}
