using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Storage;

namespace VideoAnalytics.Tests.Silo.Contracts;

/// <summary>The all-in-one service's grain storage: state survives a restart, and a write over a newer one is refused.</summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private static readonly GrainId Camera = GrainId.Create("cameragrain", "cam-1");
    private readonly string _path = Path.Combine(Directory.CreateTempSubdirectory("va-grains-").FullName, "grains.db");
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
    }

    [Fact]
    public async Task State_is_read_back_after_a_restart_with_its_version()
    {
        using (var storage = Open())
        {
            var state = new GrainState<CameraGrainState>();
            await storage.ReadStateAsync("camera", Camera, state);
            Assert.False(state.RecordExists);
            Assert.Equal(0, state.State!.Epoch);
            state.State = new CameraGrainState { Epoch = 7, Spec = new CameraSpec { Id = "cam-1", Url = "rtsp://127.0.0.1/a", Classes = ["ring"] } };
            await storage.WriteStateAsync("camera", Camera, state);
            Assert.True(state.RecordExists);
        }

        using var reopened = Open();
        var read = new GrainState<CameraGrainState>();
        await reopened.ReadStateAsync("camera", Camera, read);
        Assert.True(read.RecordExists);
        Assert.Equal(7, read.State!.Epoch);
        Assert.Equal(["ring"], read.State.Spec!.Classes);
        Assert.NotNull(read.ETag);
    }

    [Fact]
    public async Task A_write_based_on_an_older_read_is_refused()
    {
        using var storage = Open();
        var first = new GrainState<CameraGrainState>();
        var second = new GrainState<CameraGrainState>();
        await storage.ReadStateAsync("camera", Camera, first);
        await storage.ReadStateAsync("camera", Camera, second);

        first.State = new CameraGrainState { Epoch = 1 };
        await storage.WriteStateAsync("camera", Camera, first);

        // Another activation read before that write: its write must not go through, nor its first insert.
        second.State = new CameraGrainState { Epoch = 1 };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("camera", Camera, second));

        await storage.ReadStateAsync("camera", Camera, second);
        second.State = second.State! with { Epoch = 2 };
        await storage.WriteStateAsync("camera", Camera, second);
        first.State = new CameraGrainState { Epoch = 9 };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("camera", Camera, first));

        var read = new GrainState<CameraGrainState>();
        await storage.ReadStateAsync("camera", Camera, read);
        Assert.Equal(2, read.State!.Epoch);
    }

    private SqliteGrainStorage Open() => new(_path, _services.GetRequiredService<Serializer>());
}
