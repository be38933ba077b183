using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Tests.Inference.OpenCv;

[Collection(MediaTestGroup.Name)]
public sealed class VideoSourceTests(MediaFixture media)
{
    private static readonly VideoSourceOptions FastFailing = new()
    {
        OpenTimeout = TimeSpan.FromSeconds(5),
        ReadTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public void Reads_every_frame_of_a_file_with_increasing_timestamps()
    {
        using var source = VideoSource.Open(media.Clip);
        Assert.Equal("FFMPEG", source.BackendName);
        Assert.Equal(MediaFixture.ClipWidth, source.Width);
        Assert.Equal(MediaFixture.ClipHeight, source.Height);
        Assert.Equal(25.0, source.Fps, 3);
        Assert.Equal(MediaFixture.ClipFrames, source.FrameCount);

        var buffer = new byte[source.FrameBytes];
        var frames = 0;
        var previous = double.NegativeInfinity;
        FrameReadResult result;
        while ((result = source.TryRead(buffer, out var info)) == FrameReadResult.Frame)
        {
            Assert.Equal(BgrLayout.Packed(MediaFixture.ClipWidth, MediaFixture.ClipHeight), info.Layout);
            Assert.Equal(frames, info.Index);
            Assert.True(info.TimestampMs > previous, $"frame {frames}: {info.TimestampMs} ms after {previous} ms");
            previous = info.TimestampMs;
            frames++;
        }

        Assert.Equal(FrameReadResult.EndOfStream, result);
        Assert.Null(source.LastError);
        Assert.Equal(MediaFixture.ClipFrames, frames);
        Assert.Equal(1960.0, previous, 1); // 49 frames of 40 ms
        Assert.Equal(FrameReadResult.EndOfStream, source.TryRead(buffer, out _));
    }

    [Fact]
    public void Frames_carry_the_picture()
    {
        using var source = VideoSource.Open(media.Clip);
        var buffer = new byte[source.FrameBytes];
        Assert.Equal(FrameReadResult.Frame, source.TryRead(buffer, out _));
        // testsrc2 is colourful: a frame of all one value would mean nothing was decoded into the buffer.
        var distinct = new HashSet<byte>(buffer);
        Assert.True(distinct.Count > 50, $"only {distinct.Count} distinct byte values");
    }

    [Fact]
    public void A_buffer_too_small_reports_the_size_and_keeps_the_frame()
    {
        using var source = VideoSource.Open(media.Clip);
        var small = new byte[1000];
        Assert.Equal(FrameReadResult.BufferTooSmall, source.TryRead(small, out var info));
        Assert.Equal(MediaFixture.ClipWidth * 3L * MediaFixture.ClipHeight, info.RequiredBytes);
        Assert.NotNull(source.LastError);
        Assert.Equal(OpenCvStatus.BufferTooSmall, source.LastError!.Status);
        Assert.Contains("230400", source.LastError.Message, StringComparison.Ordinal);
        Assert.All(small, b => Assert.Equal(0, b));

        // An empty span only asks for the size.
        Assert.Equal(FrameReadResult.BufferTooSmall, source.TryRead(Span<byte>.Empty, out info));
        Assert.Equal(0, info.Index);

        var buffer = new byte[info.RequiredBytes];
        Assert.Equal(FrameReadResult.Frame, source.TryRead(buffer, out info));
        Assert.Equal(0, info.Index); // the frame that did not fit is delivered, not lost
        Assert.Equal(0.0, info.TimestampMs);
        Assert.Equal(FrameReadResult.Frame, source.TryRead(buffer, out info));
        Assert.Equal(1, info.Index);
    }

    [Fact]
    public void Grab_and_retrieve_give_reads_frames_and_a_frame_grabbed_again_is_skipped()
    {
        var expected = new List<(long Index, double TimestampMs, byte[] Pixels)>();
        using (var reader = VideoSource.Open(media.Clip))
        {
            var pixels = new byte[reader.FrameBytes];
            while (reader.TryRead(pixels, out var info) == FrameReadResult.Frame)
            {
                expected.Add((info.Index, info.TimestampMs, pixels.ToArray()));
            }
        }

        using var source = VideoSource.Open(media.Clip);
        var buffer = new byte[source.FrameBytes];
        Assert.Throws<InvalidOperationException>(() => source.TryRetrieve(buffer, out _)); // nothing grabbed yet
        var retrieved = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(FrameReadResult.Frame, source.TryGrab(out var grabbed));
            Assert.Equal(expected[i].Index, grabbed.Index);
            Assert.Equal(expected[i].TimestampMs, grabbed.TimestampMs);
            if (i % 3 != 0)
            {
                continue; // skipped: grabbed and never retrieved
            }

            Assert.Equal(FrameReadResult.Frame, source.TryRetrieve(buffer, out var info));
            Assert.Equal(expected[i].Index, info.Index);
            Assert.Equal(BgrLayout.Packed(MediaFixture.ClipWidth, MediaFixture.ClipHeight), info.Layout);
            Assert.True(expected[i].Pixels.AsSpan().SequenceEqual(buffer), $"frame {i} differs from the one TryRead gave");
            Assert.Throws<InvalidOperationException>(() => source.TryRetrieve(buffer, out _)); // a frame is retrieved once
            retrieved++;
        }

        Assert.Equal((expected.Count + 2) / 3, retrieved);
        Assert.Equal(FrameReadResult.EndOfStream, source.TryGrab(out _));
        Assert.Null(source.LastError);
    }

    [Fact]
    public void A_retrieve_into_a_buffer_too_small_keeps_the_grabbed_frame()
    {
        using var source = VideoSource.Open(media.Clip);
        Assert.Equal(FrameReadResult.Frame, source.TryGrab(out _));
        Assert.Equal(FrameReadResult.Frame, source.TryGrab(out var second));
        Assert.Equal(1, second.Index);
        Assert.Equal(FrameReadResult.BufferTooSmall, source.TryRetrieve(new byte[10], out var info));
        Assert.Equal(MediaFixture.ClipWidth * 3L * MediaFixture.ClipHeight, info.RequiredBytes);
        var buffer = new byte[info.RequiredBytes];
        Assert.Equal(FrameReadResult.Frame, source.TryRetrieve(buffer, out info));
        Assert.Equal(1, info.Index);
        Assert.Equal(FrameReadResult.Frame, source.TryRead(buffer, out info)); // reading goes on after it
        Assert.Equal(2, info.Index);
    }

    [Fact]
    public void Reading_all_frames_allocates_nothing_per_frame()
    {
        using var source = VideoSource.Open(media.Clip);
        var buffer = new byte[source.FrameBytes];
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(FrameReadResult.Frame, source.TryRead(buffer, out _));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var frames = 0;
        while (source.TryRead(buffer, out _) == FrameReadResult.Frame)
        {
            frames++;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(MediaFixture.ClipFrames - 5, frames);
        Assert.Equal(0, allocated);

        // The camera's way, grab every frame and retrieve some, allocates nothing either.
        using var sampled = VideoSource.Open(media.Clip);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(FrameReadResult.Frame, sampled.TryGrab(out _));
            Assert.Equal(FrameReadResult.Frame, sampled.TryRetrieve(buffer, out _));
        }

        before = GC.GetAllocatedBytesForCurrentThread();
        frames = 0;
        var retrieved = 0;
        while (sampled.TryGrab(out _) == FrameReadResult.Frame)
        {
            if (frames++ % 2 == 0 && sampled.TryRetrieve(buffer, out _) == FrameReadResult.Frame)
            {
                retrieved++;
            }
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(MediaFixture.ClipFrames - 5, frames);
        Assert.Equal((frames + 1) / 2, retrieved);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_corrupt_file_fails_to_open_with_a_reason()
    {
        var error = Assert.Throws<OpenCvException>(() => VideoSource.Open(media.CorruptClip));
        Assert.Equal(OpenCvStatus.OpenFailed, error.Status);
        Assert.Contains("corrupt.mp4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_without_its_index_fails_to_open()
    {
        var error = Assert.Throws<OpenCvException>(() => VideoSource.Open(media.TruncatedClip));
        Assert.Equal(OpenCvStatus.OpenFailed, error.Status);
    }

    [Fact]
    public void A_truncated_file_with_its_index_ends_early_without_crashing()
    {
        using var source = VideoSource.Open(media.TruncatedFastStartClip);
        Assert.Equal(MediaFixture.ClipFrames, source.FrameCount); // what the index still declares
        var buffer = new byte[source.FrameBytes];
        var frames = 0;
        FrameReadResult result;
        while ((result = source.TryRead(buffer, out _)) == FrameReadResult.Frame)
        {
            frames++;
        }

        Assert.True(result is FrameReadResult.EndOfStream or FrameReadResult.Error, result.ToString());
        Assert.InRange(frames, 0, MediaFixture.ClipFrames - 1);
    }

    [Fact]
    public void A_missing_file_says_so()
    {
        var path = Path.Combine(media.Directory, "does-not-exist.mp4");
        var error = Assert.Throws<OpenCvException>(() => VideoSource.Open(path));
        Assert.Equal(OpenCvStatus.OpenFailed, error.Status);
        Assert.Contains("no such file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rtsp://")]
    [InlineData("rtsp://127.0.0.1:1/nothing-listens-here")]
    [InlineData("nosuchscheme://camera/1")]
    public void A_malformed_or_unreachable_url_fails_to_open(string url)
    {
        var error = Assert.Throws<OpenCvException>(() => VideoSource.Open(url, FastFailing));
        Assert.Equal(OpenCvStatus.OpenFailed, error.Status);
    }

    [Fact]
    public void Url_credentials_never_appear_in_messages()
    {
        var error = Assert.Throws<OpenCvException>(
            () => VideoSource.Open("rtsp://admin:hunter2@127.0.0.1:1/stream", FastFailing));
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Contains("rtsp://***@127.0.0.1:1/stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_codec_that_cannot_be_decoded_fails_to_open()
    {
        var error = Assert.Throws<OpenCvException>(() => VideoSource.Open(media.UndecodableClip));
        Assert.Equal(OpenCvStatus.OpenFailed, error.Status);
    }

    [Fact]
    public void A_file_without_video_fails_to_open()
    {
        var error = Assert.Throws<OpenCvException>(() => VideoSource.Open(media.AudioOnly));
        Assert.Equal(OpenCvStatus.OpenFailed, error.Status);
    }

    [Fact]
    public void Tcp_transport_and_buffer_size_are_accepted_for_a_file()
    {
        var options = new VideoSourceOptions { RtspTransport = RtspTransport.Tcp, BufferSize = 2, OpenTimeout = TimeSpan.FromSeconds(10) };
        using var source = VideoSource.Open(media.Clip, options);
        var buffer = new byte[source.FrameBytes];
        Assert.Equal(FrameReadResult.Frame, source.TryRead(buffer, out _));
    }

    [Fact]
    public void The_gstreamer_backend_reads_the_file()
    {
        Assert.True(OpenCvRuntime.IsBackendAvailable(VideoBackend.GStreamer), "this OpenCV has no GStreamer backend");
        using var source = VideoSource.Open(media.Clip, new VideoSourceOptions { Backend = VideoBackend.GStreamer });
        Assert.Equal("GSTREAMER", source.BackendName);
        var buffer = new byte[MediaFixture.ClipWidth * 3 * MediaFixture.ClipHeight];
        var frames = 0;
        while (source.TryRead(buffer, out var info) == FrameReadResult.Frame)
        {
            Assert.Equal(MediaFixture.ClipWidth, info.Width);
            frames++;
        }

        Assert.Equal(MediaFixture.ClipFrames, frames);
    }

    [Fact]
    public void Gstreamer_timeouts_are_refused_as_not_supported()
    {
        var options = new VideoSourceOptions { Backend = VideoBackend.GStreamer, OpenTimeout = TimeSpan.FromSeconds(1) };
        var error = Assert.Throws<OpenCvException>(() => VideoSource.Open(media.Clip, options));
        Assert.Equal(OpenCvStatus.NotSupported, error.Status);
    }

    [Fact]
    public void Invalid_options_are_rejected_before_native_code()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => VideoSource.Open(media.Clip, new VideoSourceOptions { OpenTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => VideoSource.Open(media.Clip, new VideoSourceOptions { BufferSize = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => VideoSource.Open(media.Clip, new VideoSourceOptions { Backend = (VideoBackend)42 }));
    }

    [Fact]
    public void A_disposed_source_cannot_be_read()
    {
        var source = VideoSource.Open(media.Clip);
        source.Dispose();
        source.Dispose();
        Assert.Throws<ObjectDisposedException>(() => source.TryRead(new byte[16], out _));
    }
}
