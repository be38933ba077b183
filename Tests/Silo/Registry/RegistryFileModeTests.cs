using System.Runtime.Versioning;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Silo.Registry;

namespace VideoAnalytics.Tests.Silo.Registry;

/// <summary><c>cameras.json</c> holds camera passwords: it is 0600 when created, after every rewrite, and once loaded.</summary>
[SupportedOSPlatform("linux")]
public sealed class RegistryFileModeTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "va-registry-mode-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string FilePath => Path.Combine(_dir, "cameras.json");

    [Fact]
    public async Task The_registry_file_is_created_and_rewritten_owner_only()
    {
        using var registry = new JsonFileCameraRegistry(Options.Create(new RegistryOptions { DataDirectory = _dir }));
        await registry.AddAsync(new CameraSpec { Id = "a", Url = "rtsp://admin:hunter2@127.0.0.1/a" });
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(FilePath));

        await registry.ReplaceAsync(new CameraSpec { Id = "a", Url = "rtsp://admin:hunter3@127.0.0.1/a" });
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(FilePath));
        await registry.RemoveAsync("a");
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(FilePath));
        Assert.False(File.Exists(FilePath + ".tmp"));
    }

    [Fact]
    public async Task A_stale_temporary_file_with_a_wide_mode_does_not_widen_the_registry()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(FilePath + ".tmp", "left by a crash");
        File.SetUnixFileMode(FilePath + ".tmp", OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var registry = new JsonFileCameraRegistry(Options.Create(new RegistryOptions { DataDirectory = _dir }));
        await registry.AddAsync(new CameraSpec { Id = "a", Url = "rtsp://admin:hunter2@127.0.0.1/a" });
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(FilePath));
    }

    [Fact]
    public void A_registry_file_found_world_readable_is_narrowed_on_load()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(FilePath, """[{"id":"a","url":"rtsp://admin:hunter2@127.0.0.1/a"}]""");
        File.SetUnixFileMode(FilePath, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var registry = new JsonFileCameraRegistry(Options.Create(new RegistryOptions { DataDirectory = _dir }));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(FilePath));
    }
}
