using VideoAnalytics.Tests.Support;
using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Tests.Silo.Contracts;

/// <summary>
/// What every <see cref="IDetectionStreams"/> must do, whatever stores it. Each provider's test class derives
/// from this and supplies a fresh, empty store with a history of <see cref="History"/> frames per camera.
/// </summary>
public abstract class DetectionStreamsContract
{
    protected const int History = 50;

    protected abstract Task<IDetectionStreams> CreateAsync();

    protected internal static DetectionFrame Frame(string camera, long index, long epoch = 0, DateTimeOffset? at = null) => new()
    {
        CameraId = camera,
        FrameIndex = index,
        Timestamp = at ?? DateTimeOffset.UnixEpoch.AddSeconds(index),
        Width = 640,
        Height = 480,
        Model = "m",
        Detections = [new DetectedObject(1, "circle", 0.9f, new BoundingBox(1, 2, 3, 4), TrackId: 7), new DetectedObject(2, "square", 0.5f, new BoundingBox(5, 6, 7, 8))],
        Epoch = epoch,
    };

    /// <summary>A frame on which track 7 crossed the line <c>door</c> inwards and track 3 left zone <c>bay</c>.</summary>
    protected internal static DetectionFrame FrameWithEvents(string camera, long index, long epoch = 0)
    {
        var frame = Frame(camera, index, epoch);
        return frame with
        {
            Events =
            [
                new SceneEvent { Type = SceneEvent.LineCross, CameraId = camera, Name = "door", TrackId = 7, Label = "circle", At = frame.Timestamp, Epoch = epoch, FrameIndex = index, Direction = "in" },
                new SceneEvent { Type = SceneEvent.ZoneExit, CameraId = camera, Name = "bay", TrackId = 3, Label = "square", At = frame.Timestamp, Epoch = epoch, FrameIndex = index, DwellSeconds = 12.5 },
            ],
        };
    }

    [Fact]
    public async Task Scene_events_are_kept_with_their_frame_at_its_position()
    {
        var streams = await CreateAsync();
        var plain = await streams.PublishAsync(Frame("cam", 1));
        var withEvents = await streams.PublishAsync(FrameWithEvents("cam", 2));
        var read = await streams.ReadAsync("cam", null, 10);
        Assert.Equal([plain, withEvents], read.Select(e => e.Position));

        // A frame on which nothing happened stores no events at all (not an empty list): most frames are such.
        Assert.Null(read[0].Frame.Events);
        var events = read[1].Frame.Events;
        Assert.NotNull(events);
        Assert.Equal(FrameWithEvents("cam", 2).Events, events);
        Assert.Equal(events, (await streams.LatestAsync("cam"))!.Frame.Events);
        Assert.Equal(events, Assert.Single(await streams.RangeAsync("cam", DateTimeOffset.UnixEpoch.AddSeconds(2), DateTimeOffset.UnixEpoch.AddSeconds(2), 10)).Frame.Events);
    }

    [Fact]
    public async Task Scene_events_of_an_older_epoch_are_refused_with_their_frame()
    {
        // The fence that keeps a superseded activation's frames out keeps its events out too.
        var streams = await CreateAsync();
        Assert.NotNull(await streams.PublishAsync(FrameWithEvents("cam", 1, epoch: 2)));
        await streams.FenceAsync("cam", 3);
        Assert.Null(await streams.PublishAsync(FrameWithEvents("cam", 2, epoch: 2)));
        Assert.NotNull(await streams.PublishAsync(FrameWithEvents("cam", 3, epoch: 3)));
        var read = await streams.ReadAsync("cam", null, 10);
        Assert.Equal([1L, 3], read.SelectMany(e => e.Frame.Events!).Select(e => e.FrameIndex).Distinct());
        Assert.DoesNotContain(read.SelectMany(e => e.Frame.Events!), e => e.FrameIndex == 2);
    }

    [Fact]
    public async Task Each_append_names_the_position_before_it_also_once_that_entry_is_gone()
    {
        var streams = await CreateAsync();
        var first = await streams.AppendAsync(Frame("cam", 0, epoch: 1));
        Assert.NotNull(first);
        Assert.Null(first.Previous); // an empty stream: nothing before

        var chain = new List<StreamAppend> { first };
        for (var i = 1; i < 6; i++)
        {
            chain.Add((await streams.AppendAsync(Frame("cam", i, epoch: 1)))!);
            Assert.Equal(chain[^2].Position, chain[^1].Previous);
        }

        // A refused frame changes nothing; the next accepted one follows the last accepted one.
        await streams.FenceAsync("cam", 2);
        Assert.Null(await streams.AppendAsync(Frame("cam", 6, epoch: 1)));
        var next = await streams.AppendAsync(Frame("cam", 7, epoch: 2));
        Assert.Equal(chain[^1].Position, next!.Previous);

        // Every frame read back is the one its successor names.
        var read = await streams.ReadAsync("cam", null, 100);
        Assert.Equal([.. chain.Select(a => a.Position), next.Position], read.Select(e => e.Position));
    }

    [Fact]
    public async Task Published_frames_are_read_back_in_order_with_increasing_positions()
    {
        var streams = await CreateAsync();
        var positions = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            positions.Add((await streams.PublishAsync(Frame("cam", i)))!);
        }

        var read = await streams.ReadAsync("cam", null, 100);
        Assert.Equal([0L, 1, 2, 3, 4], read.Select(e => e.Frame.FrameIndex));
        Assert.Equal(positions, read.Select(e => e.Position));
        for (var i = 1; i < positions.Count; i++)
        {
            Assert.True(streams.ComparePositions(positions[i - 1], positions[i]) < 0);
        }

        Assert.Equal("circle", read[0].Frame.Detections[0].Label);

        // Track ids are stored with the frame; a detection on no track reads back without one.
        Assert.Equal([7, null], read[0].Frame.Detections.Select(d => d.TrackId));
    }

    [Fact]
    public async Task Reading_after_a_position_resumes_without_gap_or_duplicate()
    {
        var streams = await CreateAsync();
        var positions = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            positions.Add((await streams.PublishAsync(Frame("cam", i)))!);
        }

        var rest = await streams.ReadAsync("cam", positions[3], 100);
        Assert.Equal([4L, 5, 6, 7, 8, 9], rest.Select(e => e.Frame.FrameIndex));
        var limited = await streams.ReadAsync("cam", positions[3], 2);
        Assert.Equal([4L, 5], limited.Select(e => e.Frame.FrameIndex));
        Assert.Empty(await streams.ReadAsync("cam", positions[9], 100));
    }

    [Fact]
    public async Task History_is_bounded_and_keeps_the_newest()
    {
        var streams = await CreateAsync();
        for (var i = 0; i < History * 3; i++)
        {
            await streams.PublishAsync(Frame("cam", i));
        }

        var all = await streams.ReadAsync("cam", null, History * 10);
        Assert.InRange(all.Count, History, History * 2); // Redis trims approximately
        Assert.Equal(History * 3 - 1, all[^1].Frame.FrameIndex);
        Assert.Equal(History * 3 - 1, (await streams.LatestAsync("cam"))!.Frame.FrameIndex);
    }

    [Fact]
    public async Task A_resume_point_older_than_the_history_is_told_where_the_history_starts()
    {
        var streams = await CreateAsync();
        var positions = new List<string>();
        for (var i = 0; i < History * 3; i++)
        {
            positions.Add((await streams.PublishAsync(Frame("cam", i)))!);
        }

        var oldest = (await streams.ReadAsync("cam", null, 1))[0];
        var gap = await streams.GapAfterAsync("cam", positions[0]);
        Assert.NotNull(gap);
        Assert.Equal(oldest.Position, gap.HistoryStartsAt);
        if (gap.Missed is { } missed)
        {
            Assert.Equal(oldest.Frame.FrameIndex - 1, missed); // where the store can count, exactly
        }

        Assert.Null(await streams.GapAfterAsync("cam", oldest.Position));
        Assert.Null(await streams.GapAfterAsync("cam", positions[^1]));
        Assert.Null(await streams.GapAfterAsync("other", positions[0]));
    }

    [Fact]
    public async Task The_frames_after_a_position_are_counted_without_those_retention_deleted()
    {
        var streams = await CreateAsync();
        var positions = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            positions.Add((await streams.PublishAsync(Frame("cam", i)))!);
        }

        Assert.Equal(9, await streams.CountAfterAsync("cam", positions[0]));
        Assert.Equal(5, await streams.CountAfterAsync("cam", positions[4]));
        Assert.Equal(0, await streams.CountAfterAsync("cam", positions[^1]));
        Assert.Equal(0, await streams.CountAfterAsync("other", positions[0]));

        // Past the history: the point itself is gone, and what is still held after it is what a reader has left.
        var first = (await streams.PublishAsync(Frame("long", 0)))!;
        for (var i = 1; i < History * 3; i++)
        {
            await streams.PublishAsync(Frame("long", i));
        }

        var held = await streams.ReadAsync("long", null, History * 10);
        Assert.Equal(held.Count, await streams.CountAfterAsync("long", first));
        Assert.Equal(held.Count - 1, await streams.CountAfterAsync("long", held[0].Position));
    }

    [Fact]
    public async Task Cameras_are_separate_streams()
    {
        var streams = await CreateAsync();
        await streams.PublishAsync(Frame("a", 1));
        await streams.PublishAsync(Frame("b", 2));
        Assert.Equal([1L], (await streams.ReadAsync("a", null, 10)).Select(e => e.Frame.FrameIndex));
        Assert.Equal(["a", "b"], await streams.CamerasAsync());
        await streams.DeleteAsync("a");
        Assert.Empty(await streams.ReadAsync("a", null, 10));
        Assert.Equal(["b"], await streams.CamerasAsync());
    }

    [Fact]
    public async Task A_fence_refuses_older_epochs_before_the_new_activation_publishes_and_never_moves_back()
    {
        // A new activation fences out the old one by itself: no frame of the new epoch is needed first.
        var streams = await CreateAsync();
        Assert.NotNull(await streams.PublishAsync(Frame("cam", 1, epoch: 4)));
        await streams.FenceAsync("cam", 5);
        Assert.Null(await streams.PublishAsync(Frame("cam", 2, epoch: 4)));
        await streams.FenceAsync("cam", 3);
        Assert.Null(await streams.PublishAsync(Frame("cam", 3, epoch: 4)));
        Assert.NotNull(await streams.PublishAsync(Frame("cam", 4, epoch: 5)));
        Assert.Equal([1L, 4], (await streams.ReadAsync("cam", null, 10)).Select(e => e.Frame.FrameIndex));
    }

    [Fact]
    public async Task Frames_from_an_older_epoch_are_rejected()
    {
        var streams = await CreateAsync();
        Assert.NotNull(await streams.PublishAsync(Frame("cam", 1, epoch: 2)));
        Assert.NotNull(await streams.PublishAsync(Frame("cam", 2, epoch: 3)));
        Assert.Null(await streams.PublishAsync(Frame("cam", 3, epoch: 2)));
        Assert.NotNull(await streams.PublishAsync(Frame("cam", 4, epoch: 3)));
        Assert.Equal([1L, 2, 4], (await streams.ReadAsync("cam", null, 10)).Select(e => e.Frame.FrameIndex));
    }

    [Fact]
    public async Task Range_selects_by_capture_time()
    {
        var streams = await CreateAsync();
        for (var i = 0; i < 10; i++)
        {
            await streams.PublishAsync(Frame("cam", i));
        }

        var range = await streams.RangeAsync("cam", DateTimeOffset.UnixEpoch.AddSeconds(3), DateTimeOffset.UnixEpoch.AddSeconds(6), 100);
        Assert.Equal([3L, 4, 5, 6], range.Select(e => e.Frame.FrameIndex));
        Assert.Equal(2, (await streams.RangeAsync("cam", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(9), 2)).Count);
    }

    [Fact]
    public async Task Empty_stream_has_no_latest()
    {
        var streams = await CreateAsync();
        Assert.Null(await streams.LatestAsync("nothing"));
        Assert.Empty(await streams.ReadAsync("nothing", null, 10));
    }
}
