using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// Which camera URLs the API accepts (issue 15, item 5): link-local and cloud metadata hosts are refused unless
/// configured, and a relative file path means one thing (the working directory's) in validation and in capture.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class CameraUrlRulesTests(GatewayFixture gateway)
{
    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/security-credentials/")]
    [InlineData("http://169.254.0.1:8080/video.mjpg")]
    [InlineData("rtsp://admin:pw@169.254.12.34/live")]
    [InlineData("rtsps://[fe80::1]/live")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://0xA9FEA9FE/latest/meta-data/")]
    [InlineData("http://2852039166/latest/meta-data/")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("https://metadata.google.internal./computeMetadata/v1/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    public async Task A_link_local_or_metadata_camera_url_is_a_400_naming_url(string url)
    {
        // Disabled, so that nothing would connect even if validation let it through.
        using var response = await gateway.Admin.PostAsJsonAsync("/api/cameras", new { id = "linklocal", url, enabled = false });
        await Problem.AssertNamesFieldAsync(response, "url");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var message = problem.GetProperty("errors").GetProperty("url")[0].GetString()!;
        Assert.Contains("link-local", message, StringComparison.Ordinal);
        Assert.Contains("Cameras:AllowLinkLocal", message, StringComparison.Ordinal);
        Assert.DoesNotContain(":pw@", message, StringComparison.Ordinal);
        using var absent = await gateway.Viewer.GetAsync("/api/cameras/linklocal");
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public async Task A_relative_file_path_is_resolved_against_the_working_directory_and_streams()
    {
        // The gateway runs in the fixture's root, whose media/ folder is the media root: "media/clip.mp4" is the clip.
        using var created = await gateway.Admin.PostAsJsonAsync("/api/cameras", new { id = "relative-ok", url = "media/clip.mp4", fps = 2 });
        try
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var view = await Eventually.UntilAsync(
                () => gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras/relative-ok"),
                v => v.GetProperty("state").GetString() is "streaming" or "failed",
                TimeSpan.FromSeconds(30),
                "the camera of a relative path streams or fails");
            Assert.True(view.GetProperty("state").GetString() == "streaming", view.ToString());
        }
        finally
        {
            using var _ = await gateway.Admin.DeleteAsync("/api/cameras/relative-ok");
        }
    }

    [Fact]
    public async Task A_relative_path_outside_the_media_roots_is_a_400_stating_the_rule()
    {
        // "clip.mp4" is not in the working directory's media/ folder: it is refused, with the rule, not looked up in a root.
        using var response = await gateway.Admin.PostAsJsonAsync("/api/cameras", new { id = "relative-bad", url = "clip.mp4", enabled = false });
        await Problem.AssertNamesFieldAsync(response, "url");
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("url")[0].GetString()!;
        Assert.Contains("outside the media roots", message, StringComparison.Ordinal);
        Assert.Contains("a relative path is resolved against the working directory", message, StringComparison.Ordinal);
    }
}
