using System.Diagnostics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.EndToEnd;

/// <summary>
/// The single-process pipeline end to end with the tiny test model (fast, exact outputs): camera grains read a
/// generated clip, the inference grain batches, every processed frame reaches the camera's stream.
/// </summary>
public sealed class PipelineTests : IClassFixture<PipelineMedia>
{
    private readonly PipelineMedia _media;

    public PipelineTests(PipelineMedia media) => _media = media;

    [Fact]
    public async Task Every_camera_publishes_frames_with_detections_and_latencies()
    {
        await using var silo = await SiloHostFixture.StartAsync(_media.Settings());
        await silo.Registry.AddAsync(new CameraSpec { Id = "one", Url = _media.Clip, Fps = 10 });
        await silo.Registry.AddAsync(new CameraSpec { Id = "two", Url = _media.Clip, Fps = 10, Classes = ["b"], MinScore = 0.5 });

        var one = await Eventually.UntilAsync(() => silo.Streams.ReadAsync("one", null, 100), f => f.Count >= 5, TimeSpan.FromSeconds(20), "camera one publishes");
        var two = await Eventually.UntilAsync(() => silo.Streams.ReadAsync("two", null, 100), f => f.Count >= 5, TimeSpan.FromSeconds(20), "camera two publishes");

        // The tiny model finds class b (0.8) and class a (0.7, plus mean/255) on every frame; camera two keeps only b.
        Assert.All(one, e => Assert.Contains(e.Frame.Detections, d => d.Label == "b" && Math.Abs(d.Score - 0.8f) < 1e-4));
        Assert.All(two, e => Assert.All(e.Frame.Detections, d => Assert.Equal("b", d.Label)));
        Assert.All(one, e =>
        {
            Assert.Equal("one", e.Frame.CameraId);
            Assert.Equal(PipelineMedia.Width, e.Frame.Width);
            Assert.True(e.Frame.LatencyMs.Total >= e.Frame.LatencyMs.Inference);
        });
        // Frame indexes are the frame numbers within the file: increasing (within a loop of the clip).
        var indexes = one.Select(e => e.Frame.FrameIndex).Take(5).ToList();
        Assert.Equal(indexes.Order(), indexes);

        var status = await Eventually.UntilAsync(() => silo.Statuses.GetAsync("one"), s => s is { State: CameraState.Streaming, FramesProcessed: > 0 }, TimeSpan.FromSeconds(10), "status streaming");
        Assert.NotNull(status!.LastFrameAt);
    }

    [Fact]
    public async Task Removing_a_camera_stops_its_grain_and_stream_within_two_seconds()
    {
        await using var silo = await SiloHostFixture.StartAsync(_media.Settings());
        await silo.Registry.AddAsync(new CameraSpec { Id = "keep", Url = _media.Clip, Fps = 10 });
        await silo.Registry.AddAsync(new CameraSpec { Id = "gone", Url = _media.Clip, Fps = 10 });
        await Eventually.UntilAsync(() => silo.Streams.LatestAsync("gone"), e => e is not null, TimeSpan.FromSeconds(20), "camera publishes");
        await Eventually.UntilAsync(() => silo.Streams.LatestAsync("keep"), e => e is not null, TimeSpan.FromSeconds(20), "the other camera publishes");

        var clock = Stopwatch.StartNew();
        await silo.Registry.RemoveAsync("gone");
        await Eventually.UntilAsync(() => !silo.Inference.AttachedCameras.Contains("gone"), TimeSpan.FromSeconds(2), "grain stopped");
        await Eventually.UntilAsync(() => silo.Streams.LatestAsync("gone"), e => e is null, TimeSpan.FromSeconds(2) - clock.Elapsed + TimeSpan.FromMilliseconds(200), "stream removed");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.2), $"removal took {clock.Elapsed}");

        // Nothing reappears for the removed camera while the other keeps publishing.
        var before = (await silo.Streams.LatestAsync("keep"))!.Position;
        await Eventually.UntilAsync(() => silo.Streams.LatestAsync("keep"), e => silo.Streams.ComparePositions(e!.Position, before) > 0, TimeSpan.FromSeconds(10), "other camera continues");
        Assert.Null(await silo.Streams.LatestAsync("gone"));
    }

    [Fact]
    public async Task A_camera_naming_a_missing_or_corrupt_model_fails_with_a_reason_while_others_continue()
    {
        await using var silo = await SiloHostFixture.StartAsync(_media.Settings());
        await silo.Registry.AddAsync(new CameraSpec { Id = "good", Url = _media.Clip, Fps = 10 });
        await silo.Registry.AddAsync(new CameraSpec { Id = "missing", Url = _media.Clip, Fps = 10, Model = "no-such-model" });
        await silo.Registry.AddAsync(new CameraSpec { Id = "corrupt", Url = _media.Clip, Fps = 10, Model = "corrupt" });

        var missing = await Eventually.UntilAsync(() => silo.Statuses.GetAsync("missing"), s => s?.State == CameraState.Failed, TimeSpan.FromSeconds(10), "missing model fails");
        Assert.Contains("not found", missing!.LastError, StringComparison.Ordinal);
        var corrupt = await Eventually.UntilAsync(() => silo.Statuses.GetAsync("corrupt"), s => s?.State == CameraState.Failed, TimeSpan.FromSeconds(10), "corrupt model fails");
        Assert.Contains("corrupt.onnx", corrupt!.LastError, StringComparison.Ordinal);

        var first = await Eventually.UntilAsync(() => silo.Streams.LatestAsync("good"), e => e is not null, TimeSpan.FromSeconds(20), "good camera publishes");
        await Eventually.UntilAsync(() => silo.Streams.LatestAsync("good"), e => silo.Streams.ComparePositions(e!.Position, first!.Position) > 0, TimeSpan.FromSeconds(10), "good camera continues");
        Assert.Null(await silo.Streams.LatestAsync("missing"));
        Assert.DoesNotContain("missing", silo.Inference.AttachedCameras);
    }

    [Fact]
    public async Task Disabling_and_changing_a_camera_take_effect_within_two_seconds()
    {
        await using var silo = await SiloHostFixture.StartAsync(_media.Settings());
        await silo.Registry.AddAsync(new CameraSpec { Id = "cam", Url = _media.Clip, Fps = 10 });
        await Eventually.UntilAsync(() => silo.Streams.LatestAsync("cam"), e => e is not null, TimeSpan.FromSeconds(20), "camera publishes");

        await silo.Registry.ReplaceAsync(new CameraSpec { Id = "cam", Url = _media.Clip, Fps = 10, Classes = ["a"] });
        var changedAt = (await silo.Streams.LatestAsync("cam"))!.Position;
        var after = await Eventually.UntilAsync(
            async () => (await silo.Streams.ReadAsync("cam", changedAt, 100)) is { Count: > 0 } read ? read[^1] : null,
            e => e is not null && e.Frame.Detections.All(d => d.Label == "a"),
            TimeSpan.FromSeconds(2),
            "class filter applied");
        Assert.NotEmpty(after!.Frame.Detections);

        await silo.Registry.ReplaceAsync(new CameraSpec { Id = "cam", Url = _media.Clip, Fps = 10, Enabled = false });
        await Eventually.UntilAsync(() => !silo.Inference.AttachedCameras.Contains("cam"), TimeSpan.FromSeconds(2), "disabled camera stops");
        var status = await Eventually.UntilAsync(() => silo.Statuses.GetAsync("cam"), s => s?.State == CameraState.Stopped, TimeSpan.FromSeconds(2), "status stopped");
        Assert.NotNull(status);
    }
}
