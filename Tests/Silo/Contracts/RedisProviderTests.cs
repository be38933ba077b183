using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Tests.Silo.Cluster;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Contracts;

[Collection(RedisTestGroup.Name)]
public sealed class RedisDetectionStreamsTests(RedisServer redis) : DetectionStreamsContract, IDisposable
{
    private readonly RedisProviders _providers = new(redis);

    protected override Task<IDetectionStreams> CreateAsync() =>
        Task.FromResult<IDetectionStreams>(new RedisDetectionStreams(_providers.Connect(), Options.Create(new StreamOptions { HistoryPerCamera = History })));

    public void Dispose() => _providers.Dispose();

    [Fact]
    public async Task Positions_stay_increasing_when_a_capture_clock_runs_behind()
    {
        var streams = await CreateAsync();
        var first = await streams.PublishAsync(Frame("cam", 1, at: DateTimeOffset.UnixEpoch.AddSeconds(100)));
        var behind = await streams.PublishAsync(Frame("cam", 2, at: DateTimeOffset.UnixEpoch.AddSeconds(50)));
        Assert.True(streams.ComparePositions(first, behind) < 0);
        Assert.Equal([1L, 2], (await streams.ReadAsync("cam", null, 10)).Select(e => e.Frame.FrameIndex));
        Assert.Equal([2L], (await streams.RangeAsync("cam", DateTimeOffset.UnixEpoch.AddSeconds(40), DateTimeOffset.UnixEpoch.AddSeconds(60), 10)).Select(e => e.Frame.FrameIndex));
    }

    [Fact]
    public async Task Retention_by_age_deletes_frames_captured_before_the_cutoff_and_says_where_history_starts()
    {
        var streams = new RedisDetectionStreams(_providers.Connect(), Options.Create(new StreamOptions { HistoryPerCamera = History }));
        var old = await streams.PublishAsync(Frame("aged", 1, at: DateTimeOffset.UnixEpoch.AddHours(1)));
        await streams.PublishAsync(Frame("aged", 2, at: DateTimeOffset.UnixEpoch.AddHours(2)));
        var kept = await streams.PublishAsync(Frame("aged", 3, at: DateTimeOffset.UnixEpoch.AddHours(3)));

        await streams.PruneAsync(DateTimeOffset.UnixEpoch.AddHours(2.5));
        Assert.Equal([3L], (await streams.ReadAsync("aged", null, 10)).Select(e => e.Frame.FrameIndex));
        var gap = await streams.GapAfterAsync("aged", old!);
        Assert.NotNull(gap);
        Assert.Equal(kept, gap.HistoryStartsAt);
    }
}

[Collection(RedisTestGroup.Name)]
public sealed class RedisCameraRegistryTests(RedisServer redis) : CameraRegistryContract, IDisposable
{
    private readonly RedisProviders _providers = new(redis);

    protected override async Task<ICameraRegistry> CreateAsync()
    {
        var registry = new RedisCameraRegistry(_providers.Connect());
        await registry.Subscribed.WaitAsync(TimeSpan.FromSeconds(10));
        return registry;
    }

    public void Dispose() => _providers.Dispose();

    [Fact]
    public async Task A_change_made_through_one_process_is_announced_to_another()
    {
        var writer = await CreateAsync();
        var reader = await CreateAsync();
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Changed += id => seen.TrySetResult(id);
        await writer.AddAsync(new CameraSpec { Id = "elsewhere", Url = "rtsp://127.0.0.1/x" });
        Assert.Equal("elsewhere", await seen.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("rtsp://127.0.0.1/x", (await reader.GetAsync("elsewhere"))!.Url);
    }
}

[Collection(RedisTestGroup.Name)]
public sealed class RedisCameraStatusBoardTests(RedisServer redis) : CameraStatusBoardContract, IDisposable
{
    private readonly RedisProviders _providers = new(redis);

    protected override Task<ICameraStatusBoard> CreateAsync() => Task.FromResult<ICameraStatusBoard>(new RedisCameraStatusBoard(_providers.Connect()));

    public void Dispose() => _providers.Dispose();
}
