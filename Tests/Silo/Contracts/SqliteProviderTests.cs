using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using VideoAnalytics.Tests.Support;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Streams;

namespace VideoAnalytics.Tests.Silo.Contracts;

/// <summary>The embedded detection history (SQLite): the shared contract, plus what it adds — surviving a restart and retention by age.</summary>
public sealed class SqliteDetectionStreamsTests : DetectionStreamsContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("va-history-").FullName;
    private readonly List<IDisposable> _opened = [];
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(1));

    protected override Task<IDetectionStreams> CreateAsync() => Task.FromResult<IDetectionStreams>(Open(Guid.NewGuid().ToString("N")));

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Positions_fences_and_frames_survive_a_restart()
    {
        var first = Open("restart");
        await first.PublishAsync(Frame("cam", 1, epoch: 3));
        var last = await first.PublishAsync(Frame("cam", 2, epoch: 3));
        await first.FenceAsync("cam", 4);
        first.Dispose();

        var second = Open("restart");
        Assert.Equal([1L, 2], (await second.ReadAsync("cam", null, 10)).Select(e => e.Frame.FrameIndex));
        Assert.Null(await second.PublishAsync(Frame("cam", 3, epoch: 3))); // the fence survived
        var next = await second.PublishAsync(Frame("cam", 4, epoch: 4));
        Assert.True(second.ComparePositions(next, last) > 0, $"{next} after {last}");

        // A client resuming after the restart with the last id it saw gets exactly what followed.
        Assert.Equal([4L], (await second.ReadAsync("cam", last, 10)).Select(e => e.Frame.FrameIndex));
    }

    [Fact]
    public async Task Frames_older_than_retention_are_deleted_and_positions_never_repeat()
    {
        var streams = Open("retention", retention: TimeSpan.FromHours(1));
        var old = await streams.PublishAsync(Frame("cam", 1, at: _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(50));
        await streams.PublishAsync(Frame("cam", 2, at: _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(20)); // the pruning timer runs on the fake clock
        Assert.Equal([2L], (await streams.ReadAsync("cam", null, 10)).Select(e => e.Frame.FrameIndex));

        _time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await streams.ReadAsync("cam", null, 10));
        Assert.Null(await streams.LatestAsync("cam"));

        // Nothing retained: a reader behind finds nothing, then the next frame at the next position (never a reused one).
        Assert.Empty(await streams.ReadAsync("cam", old, 10));
        var newer = await streams.PublishAsync(Frame("cam", 3, at: _time.GetUtcNow()));
        Assert.Equal("3", newer);
        Assert.Equal([3L], (await streams.ReadAsync("cam", old, 10)).Select(e => e.Frame.FrameIndex));
    }

    [Fact]
    public async Task A_removed_cameras_positions_continue_when_it_is_added_again()
    {
        var streams = Open("removal");
        var before = await streams.PublishAsync(Frame("cam", 1));
        await streams.DeleteAsync("cam");
        Assert.Empty(await streams.CamerasAsync());
        Assert.Empty(await streams.ReadAsync("cam", null, 10));
        var after = await streams.PublishAsync(Frame("cam", 1));
        Assert.True(streams.ComparePositions(after, before) > 0);
        Assert.Equal([after], (await streams.ReadAsync("cam", before, 10)).Select(e => e.Position));
    }

    private SqliteDetectionStreams Open(string name, TimeSpan? retention = null)
    {
        var options = new StreamOptions { EmbeddedHistoryCap = History, Retention = retention ?? TimeSpan.FromDays(365) };
        var store = new SqliteDetectionStreams(Path.Combine(_dir, name + ".db"), Options.Create(options), _time);
        _opened.Add(store);
        return store;
    }
}
