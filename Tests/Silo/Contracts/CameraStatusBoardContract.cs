using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Tests.Silo.Contracts;

/// <summary>What every <see cref="ICameraStatusBoard"/> must do; providers derive and supply an empty board.</summary>
public abstract class CameraStatusBoardContract
{
    protected abstract Task<ICameraStatusBoard> CreateAsync();

    private static CameraStatus Status(string id, CameraState state = CameraState.Streaming, string? silo = "silo-a") => new()
    {
        Id = id,
        State = state,
        LastError = state == CameraState.Failed ? "rtsp://***@host/x: refused" : null,
        LastFrameAt = DateTimeOffset.UnixEpoch.AddSeconds(42),
        InputFps = 25,
        ProcessedFps = 4.5,
        FramesCaptured = 1000,
        FramesProcessed = 180,
        FramesDropped = 3,
        Silo = silo,
        UpdatedAt = DateTimeOffset.UnixEpoch.AddSeconds(43),
        Scene = new SceneCounts
        {
            Occupancy = new Dictionary<string, IReadOnlyDictionary<string, int>> { ["bay"] = new Dictionary<string, int> { ["circle"] = 2 }, ["empty"] = new Dictionary<string, int>() },
            Lines = new Dictionary<string, LineCount> { ["door"] = new(3, 1) },
        },
    };

    [Fact]
    public async Task Reported_status_reads_back_whole()
    {
        var board = await CreateAsync();
        var status = Status("cam", CameraState.Failed);
        await board.ReportAsync(status);
        Assert.Equal(status, await board.GetAsync("cam"));
        Assert.Null(await board.GetAsync("other"));
    }

    [Fact]
    public async Task A_newer_report_replaces_the_older_and_the_list_is_sorted_by_id()
    {
        var board = await CreateAsync();
        await board.ReportAsync(Status("b"));
        await board.ReportAsync(Status("a", CameraState.Starting, silo: null));
        await board.ReportAsync(Status("a", CameraState.Streaming, silo: "silo-b"));
        var all = await board.ListAsync();
        Assert.Equal(["a", "b"], all.Select(s => s.Id));
        Assert.Equal(CameraState.Streaming, all[0].State);
        Assert.Equal("silo-b", all[0].Silo);
    }

    [Fact]
    public async Task Removed_status_is_gone()
    {
        var board = await CreateAsync();
        await board.ReportAsync(Status("cam"));
        await board.RemoveAsync("cam");
        await board.RemoveAsync("never-there");
        Assert.Null(await board.GetAsync("cam"));
        Assert.Empty(await board.ListAsync());
    }
}
