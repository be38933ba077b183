using VideoAnalytics.Silo.Cameras;

namespace VideoAnalytics.Tests.Silo.Cameras;

public sealed class SourceValidatorTests : IDisposable
{
    private readonly string _root;
    private readonly string _outside;

    public SourceValidatorTests()
    {
        var baseDir = Path.Combine(Path.GetTempPath(), "va-validator-" + Guid.NewGuid().ToString("N"));
        _root = Path.Combine(baseDir, "media");
        _outside = Path.Combine(baseDir, "secret");
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_root, "demo.mp4"), "x");
        File.WriteAllText(Path.Combine(_outside, "private.mp4"), "x");
    }

    [Theory]
    [InlineData("rtsp://10.0.0.5:554/stream1", CameraSourceKind.Rtsp)]
    [InlineData("RTSP://cam.local/live", CameraSourceKind.Rtsp)]
    [InlineData("rtsps://cam.example.com:322/live", CameraSourceKind.Rtsps)]
    [InlineData("http://cam.local/mjpeg", CameraSourceKind.Http)]
    [InlineData("https://cdn.example.com/live/index.m3u8", CameraSourceKind.Http)]
    public void Stream_urls_are_classified(string url, CameraSourceKind kind)
    {
        var result = SourceValidator.Validate(url, [_root]);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(kind, result.Kind);
        Assert.Equal(url, result.Source.Location);
        Assert.True(result.Source.IsLive);
    }

    [Fact]
    public void Files_under_a_media_root_are_accepted_canonically()
    {
        var absolute = SourceValidator.Validate(Path.Combine(_root, "sub", "..", "demo.mp4"), [_root]);
        // A relative path means the working directory's (as relative media roots do), not a media root's.
        var relative = SourceValidator.Validate(Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_root, "demo.mp4")), ["/nonexistent-root", _root]);
        var fileUri = SourceValidator.Validate(new Uri(Path.Combine(_root, "demo.mp4")).AbsoluteUri, [_root]);
        var notYetThere = SourceValidator.Validate(Path.Combine(_root, "later.mp4"), [_root]);

        foreach (var result in new[] { absolute, relative, fileUri })
        {
            Assert.True(result.IsValid, result.Error);
            Assert.Equal(CameraSourceKind.File, result.Kind);
            Assert.Equal(Path.Combine(_root, "demo.mp4"), result.Source.Location);
            Assert.False(result.Source.IsLive);
        }

        Assert.True(notYetThere.IsValid, notYetThere.Error);
    }

    [Theory]
    [InlineData("../secret/private.mp4")]
    [InlineData("sub/../../secret/private.mp4")]
    [InlineData("/etc/passwd")]
    public void Paths_escaping_the_media_roots_are_refused(string path)
    {
        var result = SourceValidator.Validate(path, [_root]);

        Assert.False(result.IsValid);
        Assert.Null(result.Source);
        Assert.Contains("outside the media roots", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_name_is_not_looked_up_in_the_media_roots()
    {
        // Before issue 15 "demo.mp4" meant <root>/demo.mp4 and "models/demo.mp4" <root>/models/demo.mp4 (accepted, then
        // never found); now both mean the working directory's, and the refusal says so.
        var result = SourceValidator.Validate("demo.mp4", [_root]);

        Assert.False(result.IsValid);
        Assert.Contains("outside the media roots", result.Error, StringComparison.Ordinal);
        Assert.Contains($"a relative path is resolved against the working directory {Environment.CurrentDirectory}", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://169.254.1.2:8080/video.mjpg")]
    [InlineData("rtsp://user:pw@169.254.1.2/live")]
    [InlineData("rtsps://[fe80::1]:322/live")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://0xA9FEA9FE/")]
    [InlineData("http://2852039166/")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    public void Link_local_and_metadata_hosts_are_refused_unless_allowed(string url)
    {
        var refused = SourceValidator.Validate(url, [_root]);
        Assert.False(refused.IsValid);
        Assert.Contains("link-local host", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Cameras:AllowLinkLocal=true", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(":pw@", refused.Error, StringComparison.Ordinal);

        var allowed = SourceValidator.Validate(url, [_root], allowLinkLocal: true);
        Assert.True(allowed.IsValid, allowed.Error);
    }

    [Theory]
    [InlineData("http://169.255.0.1/")]
    [InlineData("http://168.254.0.1/")]
    [InlineData("http://[fec0::1]/")]
    [InlineData("http://metadata.example.com/")]
    public void Neighbours_of_link_local_are_not_refused(string url)
    {
        var result = SourceValidator.Validate(url, [_root]);
        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void A_symlink_out_of_the_media_root_is_refused()
    {
        var fileLink = Path.Combine(_root, "link.mp4");
        var folderLink = Path.Combine(_root, "escape");
        File.CreateSymbolicLink(fileLink, Path.Combine(_outside, "private.mp4"));
        Directory.CreateSymbolicLink(folderLink, "../secret");
        var inside = Path.Combine(_root, "inside.mp4");
        File.CreateSymbolicLink(inside, "demo.mp4");

        Assert.Contains("outside the media roots", SourceValidator.Validate(fileLink, [_root]).Error, StringComparison.Ordinal);
        Assert.Contains("outside the media roots", SourceValidator.Validate(Path.Combine(folderLink, "private.mp4"), [_root]).Error, StringComparison.Ordinal);
        var ok = SourceValidator.Validate(inside, [_root]);
        Assert.True(ok.IsValid, ok.Error);
        Assert.Equal(Path.Combine(_root, "demo.mp4"), ok.Source.Location);
    }

    [Fact]
    public void A_media_root_reached_through_a_symlink_still_contains_its_files()
    {
        var linkedRoot = _root + "-link";
        Directory.CreateSymbolicLink(linkedRoot, _root);

        var result = SourceValidator.Validate(Path.Combine(_root, "demo.mp4"), [linkedRoot]);

        Assert.True(result.IsValid, result.Error);
    }

    [Theory]
    [InlineData("ftp://cam.local/video.mp4", "unsupported scheme 'ftp'")]
    [InlineData("udp://239.0.0.1:1234", "unsupported scheme 'udp'")]
    [InlineData("rtsp://", "malformed URL")]
    [InlineData("rtsp:///nohost", "names no host")]
    [InlineData("http://exa mple.com:99999/x", "malformed URL")]
    [InlineData("rtsp:cam.local/live", "malformed URL")]
    [InlineData("cam.local:554/live", "malformed URL")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    public void Bad_urls_are_refused_with_the_reason(string url, string reason)
    {
        var result = SourceValidator.Validate(url, [_root]);

        Assert.False(result.IsValid);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void File_sources_need_a_media_root()
    {
        var result = SourceValidator.Validate(Path.Combine(_root, "demo.mp4"), []);

        Assert.Contains("no media roots are configured (Cameras:MediaRoots)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_is_not_a_video()
    {
        Assert.Contains("is a folder", SourceValidator.Validate(Path.Combine(_root, "sub"), [_root]).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://admin:hunter2@cam.local/x")]
    [InlineData("rtsp://admin:hunter2@exa mple.com:99999/x")]
    [InlineData("gopher://admin:hunter2@cam.local/")]
    public void Credentials_never_appear_in_errors(string url)
    {
        var result = SourceValidator.Validate(url, [_root]);

        Assert.False(result.IsValid);
        Assert.DoesNotContain("hunter2", result.Error, StringComparison.Ordinal);
        Assert.Contains("***@", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true);
}
