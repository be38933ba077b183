using System.Diagnostics;
using System.Diagnostics.Metrics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Silo.Telemetry;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cameras;

[Collection(CameraTestGroup.Name)]
public sealed class CameraFileTests(CameraMediaFixture media)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_file_is_paced_at_its_native_fps_and_loops_with_frame_numbers_restarting()
    {
        await using var camera = new CameraUnderTest("loop", media.Media.Clip, CameraUnderTest.Options(media.Root), fps: 25).Start();

        await Eventually.Until(() => camera.Consumer.Count >= 80, Patience, "80 frames", camera.Describe);

        var offers = camera.Consumer.Offers;
        var loops = 0;
        for (var i = 1; i < offers.Count; i++)
        {
            var (previous, current) = (offers[i - 1].Index, offers[i].Index);
            if (current == 0)
            {
                Assert.Equal(MediaFixtureClipLast, previous);
                loops++;
            }
            else
            {
                Assert.Equal(previous + 1, current);
            }
        }

        Assert.True(loops >= 1, "the 2 s clip should have looped");
        Assert.Equal(0, offers[0].Index);
        // Pacing, measured inside the first pass (a loop's reopen may wait on FFmpeg's process-wide open lock). Upper
        // bounds only here and below: a file played faster than its fps would be a pacing bug, slower only a busy
        // machine (the bench measures rates).
        var seconds = (offers[45].Ticks - offers[5].Ticks) / (double)Stopwatch.Frequency;
        Assert.InRange(40 / seconds, 0.1, 30);
        var status = camera.Status;
        Assert.Equal(CameraState.Streaming, status.State);
        Assert.Null(status.LastError);
        Assert.InRange(status.InputFps, 0.1, 35);
        Assert.NotNull(status.LastFrameAt);
        Assert.Equal("silo-test", status.Silo);
        Assert.True(status.FramesCaptured >= 80);
    }

    [Fact]
    public async Task Frames_are_sampled_down_to_the_camera_fps_by_timestamp()
    {
        await using var camera = new CameraUnderTest("sampled", media.LongClip, CameraUnderTest.Options(media.Root), fps: 5).Start();

        await Eventually.Until(() => camera.Consumer.Count >= 13, Patience, "13 frames", camera.Describe);

        var offers = camera.Consumer.Offers;
        for (var i = 1; i < offers.Count; i++)
        {
            Assert.Equal(5, offers[i].Index - offers[i - 1].Index); // every 5th frame of 25 fps
        }

        Assert.InRange(camera.Consumer.Rate(2, 12), 0.1, 6);
        var status = camera.Status;
        Assert.InRange(status.InputFps, 0.1, 35); // every frame is still read (the index steps above show which were kept)

        // Skipped frames are only decoded, kept ones converted: each kept frame is the file's frame of that number.
        using var file = VideoSource.Open(media.LongClip);
        var pixels = new byte[file.FrameBytes];
        var kept = offers.TakeWhile((o, i) => i == 0 || o.Index > offers[i - 1].Index).ToDictionary(o => o.Index, o => o.Digest);
        for (var index = 0L; index <= kept.Keys.Max(); index++)
        {
            Assert.Equal(FrameReadResult.Frame, file.TryRead(pixels, out _));
            if (kept.TryGetValue(index, out var digest))
            {
                Assert.True(digest == TestConsumer.Digest(pixels), $"kept frame {index} is not the file's frame {index}");
            }
        }

        Assert.InRange(status.ProcessedFps, 0.1, 7);
        Assert.Equal(0, status.FramesDropped); // sampled-away frames are not drops
    }

    [Fact]
    public async Task A_consumer_that_never_takes_sees_latest_frame_wins_with_at_most_three_buffers()
    {
        long replaced = 0;
        using var metrics = new PipelineMetrics();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName && instrument.Name == "va.camera.frames.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var mine = false;
            var reason = false;
            foreach (var tag in tags)
            {
                mine |= tag.Key == "camera" && (string?)tag.Value == "hoarded";
                reason |= tag.Key == "reason" && (string?)tag.Value == "replaced";
            }

            if (mine && reason)
            {
                Interlocked.Exchange(ref replaced, value); // an observable counter reports its total
            }
        });
        listener.Start();
        await using var camera = new CameraUnderTest("hoarded", media.LongClip, CameraUnderTest.Options(media.Root), fps: 25, take: false, metrics: metrics).Start();

        await Eventually.Until(() => camera.Consumer.Slot.Dropped >= 20, Patience, "20 drops", camera.Describe);

        Assert.InRange(camera.Consumer.Slot.Buffers, 1, 3);
        listener.RecordObservableInstruments();
        Assert.True(Interlocked.Read(ref replaced) >= 20, $"metric counted {replaced} replaced drops");
        var status = camera.Status;
        Assert.True(status.FramesDropped >= 20);
        Assert.Equal(0, status.FramesProcessed);
        Assert.Equal(status.FramesCaptured, camera.Consumer.Slot.Offered);
    }

    [Fact]
    public async Task Bad_sources_fail_alone_with_a_reason_while_a_healthy_camera_keeps_streaming()
    {
        var options = CameraUnderTest.Options(media.Root);
        await using var healthy = new CameraUnderTest("healthy", media.LongClip, options).Start();
        var cases = new (string Id, string Url, CameraState State, string Reason)[]
        {
            ("corrupt", media.Media.CorruptClip, CameraState.Failed, "cannot open"),
            ("truncated", media.Media.TruncatedClip, CameraState.Failed, "cannot open"),
            ("codec", media.Media.UndecodableClip, CameraState.Failed, "cannot open"),
            ("missing", Path.Combine(media.Root, "not-there.mp4"), CameraState.Failed, "cannot open"),
            ("no-host", "rtsp://admin:hunter2@nonexistent.invalid/x", CameraState.Reconnecting, "nonexistent.invalid"),
            ("malformed", "rtsp://admin:hunter2@exa mple:99999/x", CameraState.Failed, "malformed URL"),
            ("outside", "/etc/passwd", CameraState.Failed, "outside the media roots"),
            ("escape", Path.Combine(media.Root, "..", "x.mp4"), CameraState.Failed, "outside the media roots"),
            ("scheme", "ftp://cam.local/x.mp4", CameraState.Failed, "unsupported scheme 'ftp'"),
        };
        var bad = new List<CameraUnderTest>();
        try
        {
            foreach (var (id, url, _, _) in cases)
            {
                bad.Add(new CameraUnderTest(id, url, options).Start());
            }

            for (var i = 0; i < cases.Length; i++)
            {
                var camera = bad[i];
                var expected = cases[i];
                await Eventually.Until(() => camera.Status.State == expected.State && camera.Status.LastError is not null,
                    Patience, $"{expected.Id} to be {expected.State}", camera.Describe);
                var error = camera.Status.LastError!;
                Assert.True(error.Contains(expected.Reason, StringComparison.Ordinal), camera.Describe());
                Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
                Assert.Equal(0, camera.Consumer.Count);
            }

            var before = healthy.Consumer.Count;
            await Eventually.Until(() => healthy.Consumer.Count >= before + 5, Patience, "the healthy camera to keep streaming", healthy.Describe);
            Assert.Equal(CameraState.Streaming, healthy.Status.State);
            foreach (var camera in bad)
            {
                Assert.All(camera.Logger.Lines, line => Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal));
            }
        }
        finally
        {
            foreach (var camera in bad)
            {
                await camera.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Updates_resample_disable_enable_and_switch_sources()
    {
        await using var camera = new CameraUnderTest("edited", media.LongClip, CameraUnderTest.Options(media.Root), fps: 25).Start();
        await Eventually.Until(() => camera.Consumer.Count >= 5, Patience, "streaming", camera.Describe);

        camera.Capture.Update(camera.Spec with { Fps = 5 });
        var mark = camera.Consumer.Count;
        await Eventually.Until(() => camera.Consumer.Count >= mark + 6, Patience, "frames at the new rate", camera.Describe);
        var offers = camera.Consumer.Offers;
        Assert.Equal(5, offers[^1].Index - offers[^2].Index);
        Assert.Equal(5, offers[^2].Index - offers[^3].Index);

        camera.Capture.Update(camera.Spec with { Fps = 5, Enabled = false });
        await Eventually.Until(() => camera.Status.State == CameraState.Stopped, Patience, "stopped", camera.Describe);
        Assert.Null(camera.Status.Silo);

        camera.Capture.Update(camera.Spec with { Fps = 5 });
        mark = camera.Consumer.Count;
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count > mark + 2, Patience, "streaming again", camera.Describe);

        camera.Capture.Update(camera.Spec with { Url = "/etc/passwd" });
        await Eventually.Until(() => camera.Status.State == CameraState.Failed, Patience, "refused", camera.Describe);
        Assert.Contains("outside the media roots", camera.Status.LastError, StringComparison.Ordinal);

        camera.Capture.Update(camera.Spec with { Url = media.Media.Clip });
        mark = camera.Consumer.Count;
        await Eventually.Until(() => camera.Status.State == CameraState.Streaming && camera.Consumer.Count > mark + 2, Patience, "streaming the new file", camera.Describe);
    }

    [Fact]
    public async Task Stop_is_quick_even_in_the_middle_of_a_long_backoff()
    {
        var options = CameraUnderTest.Options(media.Root);
        options.ReconnectInitialDelay = TimeSpan.FromSeconds(20);
        options.ReconnectMaxDelay = TimeSpan.FromSeconds(30);
        await using var camera = new CameraUnderTest("refused", $"rtsp://127.0.0.1:{ClosedPort()}/x", options).Start();
        await Eventually.Until(() => camera.Status.State == CameraState.Reconnecting, Patience, "reconnecting", camera.Describe);

        var clock = Stopwatch.StartNew();
        await camera.Capture.StopAsync().WaitAsync(TimeSpan.FromSeconds(2));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
        Assert.Equal(CameraState.Stopped, camera.Status.State);
        Assert.True(camera.Consumer.Slot.IsClosed);
    }

    private const long MediaFixtureClipLast = Inference.OpenCv.MediaFixture.ClipFrames - 1;

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
