using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Registry;
using VideoAnalytics.Silo.Streams;

namespace VideoAnalytics.Tests.Silo.Contracts;

public sealed class InMemoryDetectionStreamsTests : DetectionStreamsContract
{
    protected override Task<IDetectionStreams> CreateAsync() =>
        Task.FromResult<IDetectionStreams>(new InMemoryDetectionStreams(Options.Create(new StreamOptions { HistoryPerCamera = History })));
}

public sealed class InMemoryCameraStatusBoardTests : CameraStatusBoardContract
{
    protected override Task<ICameraStatusBoard> CreateAsync() => Task.FromResult<ICameraStatusBoard>(new InMemoryCameraStatusBoard());
}

public sealed class JsonFileCameraRegistryTests : CameraRegistryContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("va-registry-").FullName;

    protected override Task<ICameraRegistry> CreateAsync() =>
        Task.FromResult<ICameraRegistry>(new JsonFileCameraRegistry(Options.Create(new RegistryOptions { DataDirectory = Path.Combine(_dir, Guid.NewGuid().ToString("N")) })));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Cameras_survive_a_restart()
    {
        var options = Options.Create(new RegistryOptions { DataDirectory = Path.Combine(_dir, "persist") });
        using (var first = new JsonFileCameraRegistry(options))
        {
            await first.AddAsync(new CameraSpec { Id = "kept", Url = "rtsp://127.0.0.1/k", MinScore = 0.7, Classes = ["ring"] });
        }

        using var second = new JsonFileCameraRegistry(options);
        var spec = await second.GetAsync("kept");
        Assert.NotNull(spec);
        Assert.Equal(0.7, spec.MinScore);
        Assert.Equal(["ring"], spec.Classes);
    }

    [Fact]
    public void A_corrupt_registry_file_is_named_in_the_error()
    {
        var dir = Path.Combine(_dir, "corrupt");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "cameras.json"), "{ not json");
        var e = Assert.Throws<InvalidDataException>(() => new JsonFileCameraRegistry(Options.Create(new RegistryOptions { DataDirectory = dir })));
        Assert.Contains("cameras.json", e.Message, StringComparison.Ordinal);
    }
}
