using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Gateway;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.EndToEnd;

/// <summary>
/// A camera whose RTSP server demands a password streams with the password taken from a secrets file
/// (<c>${file:…}</c>) and the user from the silo's environment (<c>${env:VA_CAMERA_…}</c>, set for the service
/// process only), while the registry file, every API response and the service's log hold only the references. A
/// password rotated in the file is used at the next reconnect; a file that disappears fails the camera naming it.
/// </summary>
public sealed class CameraSecretsEndToEndTests : IAsyncLifetime, IDisposable
{
    // The characters that must be percent-encoded in userinfo: '@', ':', ' ' and '/'.
    private const string Password = "Qz7v@Kp3w: s/1";
    private const string RotatedPassword = "Jm5x:Rt8y @2/z";
    private const string User = "doorcam";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "va-secrets-e2e-" + Guid.NewGuid().ToString("N"));
    private string Secrets => Path.Combine(_root, "secrets");
    private string SecretFile => Path.Combine(Secrets, "door_password");
    private RtspTestServer? _rtsp;
    private ServiceProcess? _service;
    private HttpClient? _admin;

    public async Task InitializeAsync()
    {
        GatewayFixture.Prepare(_root);
        Directory.CreateDirectory(Secrets);
        File.WriteAllText(SecretFile, Password + "\n");
        _rtsp = new RtspTestServer(new RtspCredentials(User, Password), RtspMount.LiveTestPattern());
        var settings = GatewayFixture.Settings(_root);
        settings["Cameras:SecretsDirectory"] = Secrets;
        settings["Cameras:ReconnectInitialDelay"] = "00:00:00.200";
        settings["Cameras:ReconnectMaxDelay"] = "00:00:01";
        _service = await ServiceProcess.StartAsync("Gateway", settings, _root,
            environment: new Dictionary<string, string> { ["VA_CAMERA_DOOR_USER"] = User });
        _admin = _service.Client;
        _admin.DefaultRequestHeaders.Add("X-Api-Key", GatewayFixture.AdminKey);
    }

    [Fact]
    public async Task A_camera_streams_with_a_password_from_a_secrets_file_that_is_never_stored_nor_shown()
    {
        var admin = _admin!;
        var written = $"rtsp://${{env:VA_CAMERA_DOOR_USER}}:${{file:door_password}}@127.0.0.1:{_rtsp!.Port}/live";
        var responses = new List<string>();

        // The server really demands the password: the same URL with a wrong one does not stream.
        using (var wrong = await admin.PostAsJsonAsync("/api/cameras", new { id = "wrong", url = $"rtsp://{User}:not-it@127.0.0.1:{_rtsp.Port}/live", fps = 2 }))
        {
            Assert.Equal(HttpStatusCode.Created, wrong.StatusCode);
        }

        using (var created = await admin.PostAsJsonAsync("/api/cameras", new { id = "door", url = written, fps = 2 }))
        {
            responses.Add(await created.Content.ReadAsStringAsync());
            Assert.True(created.StatusCode == HttpStatusCode.Created, responses[^1]);
        }

        var streaming = await StateAsync("door", "streaming", responses);
        Assert.Equal(written, streaming.GetProperty("url").GetString());
        var refused = await Eventually.UntilAsync(() => ViewAsync("wrong", responses), v => v.GetProperty("lastError").ValueKind == JsonValueKind.String,
            TimeSpan.FromSeconds(60), "the camera with the wrong password fails to open");
        Assert.NotEqual("streaming", refused.GetProperty("state").GetString());
        using (var off = await admin.DeleteAsync("/api/cameras/wrong"))
        {
            Assert.Equal(HttpStatusCode.NoContent, off.StatusCode);
        }

        // The secret goes away: at the reconnect the camera fails, naming the reference.
        _rtsp.Kill();
        File.Delete(SecretFile);
        var failed = await StateAsync("door", "failed", responses);
        var reason = failed.GetProperty("lastError").GetString()!;
        Assert.Contains("${file:door_password}", reason, StringComparison.Ordinal);
        Assert.Contains("does not exist", reason, StringComparison.Ordinal);

        // Rotated: the new password is in the file and the server wants it; the camera picks it up by itself.
        File.WriteAllText(SecretFile, RotatedPassword + "\n");
        _rtsp.Credentials = new RtspCredentials(User, RotatedPassword);
        _rtsp.Start();
        await StateAsync("door", "streaming", responses);

        using (var list = await admin.GetAsync("/api/cameras"))
        {
            responses.Add(await list.Content.ReadAsStringAsync());
        }

        var registry = await File.ReadAllTextAsync(Path.Combine(_root, "data", "cameras.json"));
        Assert.Contains("${file:door_password}", registry, StringComparison.Ordinal);
        Assert.Contains(written, string.Join('\n', responses).Replace("\\u0024", "$", StringComparison.Ordinal), StringComparison.Ordinal);
        foreach (var secret in new[] { Password, RotatedPassword })
        {
            foreach (var form in new[] { secret, Uri.EscapeDataString(secret), JsonEncodedText.Encode(secret).ToString() })
            {
                Assert.DoesNotContain(form, registry, StringComparison.Ordinal);
                Assert.DoesNotContain(form, _service!.Output, StringComparison.Ordinal);
                Assert.All(responses, r => Assert.DoesNotContain(form, r, StringComparison.Ordinal));
            }
        }
    }

    private async Task<JsonElement> ViewAsync(string id, List<string> responses)
    {
        using var response = await _admin!.GetAsync($"/api/cameras/{id}");
        var body = await response.Content.ReadAsStringAsync();
        responses.Add(body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private Task<JsonElement> StateAsync(string id, string state, List<string> responses) => Eventually.UntilAsync(
        () => ViewAsync(id, responses), v => v.GetProperty("state").GetString() == state, TimeSpan.FromSeconds(90),
        $"camera {id} is {state} ({_rtsp!.Describe()}; service output: {_service?.Output[^Math.Min(3000, _service.Output.Length)..]})");

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync(); // disposes its client too
        }

        Directory.Delete(_root, recursive: true);
    }

    public void Dispose() => _rtsp?.Dispose();
}
