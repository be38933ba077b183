using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Silo.Cameras;

namespace VideoAnalytics.Tests.Silo.Cameras;

/// <summary>
/// Secret references in camera URLs: <c>${env:VA_CAMERA_*}</c> from the silo's environment (here a dictionary in
/// place of it, so the test process's own environment stays untouched) and <c>${file:NAME}</c> from the secrets
/// folder; values percent-encoded where they land; every refusal names the reference and never a value.
/// </summary>
public sealed class CameraSecretResolverTests : IDisposable
{
    private const string Password = "p@ss: w0rd/x%";
    private readonly string _secrets = Path.Combine(Path.GetTempPath(), "va-secrets-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal)
    {
        ["VA_CAMERA_DOOR_PASSWORD"] = Password,
        ["VA_CAMERA_USER"] = "admin",
        ["VA_CAMERA_EMPTY"] = "",
        ["AWS_SECRET_ACCESS_KEY"] = "must-never-be-read",
    };

    public CameraSecretResolverTests() => Directory.CreateDirectory(_secrets);

    private CameraSecretResolver Resolver => new(_secrets, name => _environment.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void An_environment_reference_resolves_percent_encoded_so_the_url_still_points_at_its_host()
    {
        var resolution = Resolver.Resolve("rtsp://${env:VA_CAMERA_USER}:${env:VA_CAMERA_DOOR_PASSWORD}@10.0.0.5:554/live?channel=1");

        Assert.True(resolution.IsResolved, resolution.Error);
        Assert.Equal("rtsp://admin:p%40ss%3A%20w0rd%2Fx%25@10.0.0.5:554/live?channel=1", resolution.Url);
        var uri = new Uri(resolution.Url);
        Assert.Equal("10.0.0.5", uri.Host);
        Assert.Equal("/live", uri.AbsolutePath);
        Assert.Equal("admin:" + Password, Uri.UnescapeDataString(uri.UserInfo));
    }

    [Theory]
    [InlineData("hunter2\n", "hunter2")]
    [InlineData("hunter2\r\n", "hunter2")]
    [InlineData("hunter2", "hunter2")]
    [InlineData("ends in a space \n", "ends in a space ")]
    public void A_file_reference_resolves_with_its_trailing_line_end_trimmed(string content, string value)
    {
        File.WriteAllText(Path.Combine(_secrets, "door_password"), content);

        var resolution = Resolver.Resolve("http://admin:${file:door_password}@cam.local/video.mjpg");

        Assert.True(resolution.IsResolved, resolution.Error);
        Assert.Equal($"http://admin:{Uri.EscapeDataString(value)}@cam.local/video.mjpg", resolution.Url);
    }

    [Fact]
    public void A_rotated_file_is_read_again_on_the_next_resolution()
    {
        var file = Path.Combine(_secrets, "rotating");
        File.WriteAllText(file, "first\n");
        Assert.Equal("rtsp://u:first@h/x", Resolver.Resolve("rtsp://u:${file:rotating}@h/x").Url);
        File.WriteAllText(file, "second\n");
        Assert.Equal("rtsp://u:second@h/x", Resolver.Resolve("rtsp://u:${file:rotating}@h/x").Url);
    }

    [Theory]
    [InlineData("rtsp://u:${env:AWS_SECRET_ACCESS_KEY}@h/x", "${env:AWS_SECRET_ACCESS_KEY}", "only variables whose names start with VA_CAMERA_", false)]
    [InlineData("rtsp://u:${env:VA_CAMERA_}@h/x", "${env:VA_CAMERA_}", "only variables whose names start with VA_CAMERA_", false)]
    [InlineData("rtsp://u:${env:VA-CAMERA}@h/x", "${env:VA-CAMERA}", "not a valid environment variable name", false)]
    [InlineData("rtsp://u:${env:VA_CAMERA_UNSET}@h/x", "${env:VA_CAMERA_UNSET}", "which is not set in the silo process", true)]
    [InlineData("rtsp://u:${env:VA_CAMERA_EMPTY}@h/x", "${env:VA_CAMERA_EMPTY}", "which is empty", true)]
    [InlineData("rtsp://u:${file:missing}@h/x", "${file:missing}", "which does not exist", true)]
    [InlineData("rtsp://u:${file:../etc/passwd}@h/x", "${file:../etc/passwd}", "not a plain file name", false)]
    [InlineData("rtsp://u:${file:..}@h/x", "${file:..}", "not a plain file name", false)]
    [InlineData("rtsp://u:${file:.hidden}@h/x", "${file:.hidden}", "not a plain file name", false)]
    [InlineData("rtsp://u:${file:/etc/passwd}@h/x", "${file:/etc/passwd}", "not a plain file name", false)]
    [InlineData("rtsp://u:${vault:door}@h/x", "${vault:door}", "unknown secret source 'vault'", false)]
    [InlineData("rtsp://u:${env:VA_CAMERA_USER@h/x", "'${'", "does not start a well-formed secret reference", false)]
    [InlineData("rtsp://u:${VA_CAMERA_USER}@h/x", "'${'", "does not start a well-formed secret reference", false)]
    public void A_reference_that_cannot_be_resolved_is_refused_naming_it_and_the_rule(string url, string named, string why, bool transient)
    {
        var resolution = Resolver.Resolve(url);

        Assert.False(resolution.IsResolved);
        Assert.Contains(named, resolution.Error, StringComparison.Ordinal);
        Assert.Contains(why, resolution.Error, StringComparison.Ordinal);
        Assert.Contains("VA_CAMERA_", resolution.Error, StringComparison.Ordinal);
        Assert.Equal(transient, resolution.IsTransient);
        Assert.DoesNotContain("must-never-be-read", resolution.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_url_without_references_is_left_as_it_is()
    {
        var resolution = Resolver.Resolve("rtsp://admin:plain@h/x?a=$1");
        Assert.Equal("rtsp://admin:plain@h/x?a=$1", resolution.Url);
        Assert.True(resolution.Secrets.IsEmpty);
    }

    [Fact]
    public void Scrub_puts_the_reference_back_wherever_a_value_shows_raw_or_encoded()
    {
        var resolution = Resolver.Resolve("rtsp://h/live/${env:VA_CAMERA_DOOR_PASSWORD}?stream=${env:VA_CAMERA_USER}");
        Assert.True(resolution.IsResolved, resolution.Error);

        var scrubbed = resolution.Secrets.Scrub($"cannot open '{resolution.Url}': 401 for {Password}");

        Assert.DoesNotContain("p%40ss", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", scrubbed, StringComparison.Ordinal);
        Assert.Equal("cannot open 'rtsp://h/live/${env:VA_CAMERA_DOOR_PASSWORD}?stream=${env:VA_CAMERA_USER}': 401 for ${env:VA_CAMERA_DOOR_PASSWORD}", scrubbed);
        Assert.DoesNotContain("admin", resolution.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_opens_the_resolved_url_but_shows_and_stores_what_was_written()
    {
        const string written = "rtsp://admin:${env:VA_CAMERA_DOOR_PASSWORD}@10.0.0.5/live";

        var result = SourceValidator.Validate(written, [_secrets], secrets: Resolver);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(CameraSourceKind.Rtsp, result.Source.Kind);
        Assert.Equal("rtsp://admin:p%40ss%3A%20w0rd%2Fx%25@10.0.0.5/live", result.Source.Location);
        Assert.Equal(written, result.Source.Written);
        Assert.Equal(written, result.Source.Display);
        Assert.DoesNotContain("p%40ss", result.Source.ToString(), StringComparison.Ordinal);
        Assert.Equal("cannot open 'rtsp://admin:${env:VA_CAMERA_DOOR_PASSWORD}@10.0.0.5/live'",
            result.Source.Safe($"cannot open '{result.Source.Location}'"));
    }

    [Fact]
    public void The_validator_refuses_references_that_do_not_resolve_or_sit_in_a_file_path()
    {
        var unset = SourceValidator.Validate("rtsp://admin:${env:VA_CAMERA_UNSET}@10.0.0.5/live", [_secrets], secrets: Resolver);
        Assert.False(unset.IsValid);
        Assert.True(unset.IsTransient);
        Assert.StartsWith("'rtsp://admin:${env:VA_CAMERA_UNSET}@10.0.0.5/live': ", unset.Error, StringComparison.Ordinal);

        var file = SourceValidator.Validate(Path.Combine(_secrets, "${env:VA_CAMERA_USER}.mp4"), [_secrets], secrets: Resolver);
        Assert.False(file.IsValid);
        Assert.False(file.IsTransient);
        Assert.Contains("resolved only in rtsp://, rtsps:// and http(s):// URLs", file.Error, StringComparison.Ordinal);

        // The link-local rule applies to the resolved host, and the message shows the reference, not the value.
        _environment["VA_CAMERA_HOST"] = "169.254.169.254";
        var metadata = SourceValidator.Validate("http://${env:VA_CAMERA_HOST}/latest/meta-data/", [_secrets], secrets: Resolver);
        Assert.False(metadata.IsValid);
        Assert.Contains("link-local", metadata.Error, StringComparison.Ordinal);
        Assert.Contains("host '${env:VA_CAMERA_HOST}'", metadata.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("169.254.169.254", metadata.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rtsp://admin:${env:VA_CAMERA_DOOR_PASSWORD}@10.0.0.5/live")]
    [InlineData("rtsp://${env:VA_CAMERA_USER}:${file:door_password}@10.0.0.5/live")]
    [InlineData("rtsp://${file:token}@10.0.0.5/live")]
    [InlineData("http://cam.local/video.mjpg?token=${env:VA_CAMERA_TOKEN}&fps=5")]
    [InlineData("cannot open 'rtsp://admin:${file:door}@10.0.0.5/live': 401 Unauthorized")]
    public void Redaction_shows_a_reference_as_written(string text) => Assert.Equal(text, UrlRedaction.Redact(text));

    [Theory]
    [InlineData("rtsp://admin:pw${env:VA_CAMERA_X}@10.0.0.5/live", "rtsp://***@10.0.0.5/live")]
    [InlineData("rtsp://admin:${env:VA_CAMERA_X}pw@10.0.0.5/live", "rtsp://***@10.0.0.5/live")]
    [InlineData("http://cam.local/x?token=abc${env:VA_CAMERA_X}", "http://cam.local/x?token=***")]
    [InlineData("rtsp://admin:${env:VA_CAMERA_X}@h/x rtsp://admin:hunter2@h/y", "rtsp://admin:${env:VA_CAMERA_X}@h/x rtsp://***@h/y")]
    public void Redaction_still_masks_a_literal_secret_beside_a_reference(string text, string expected) => Assert.Equal(expected, UrlRedaction.Redact(text));

    public void Dispose() => Directory.Delete(_secrets, recursive: true);
}
