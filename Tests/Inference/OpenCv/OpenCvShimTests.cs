using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Tests.Inference.OpenCv;

public sealed class OpenCvShimTests
{
    [Fact]
    public void Reports_the_opencv_version_and_a_matching_abi()
    {
        Assert.StartsWith("4.", OpenCvRuntime.Version, StringComparison.Ordinal);
        Assert.Equal(OpenCvRuntime.ExpectedAbiVersion, OpenCvRuntime.AbiVersion);
        Assert.True(OpenCvRuntime.IsBackendAvailable(VideoBackend.FFmpeg));
    }

    [Fact]
    public void The_last_error_message_is_per_thread()
    {
        // Thread A fails, then thread B fails differently, then A reads its message: it must still be A's.
        using var aFailed = new ManualResetEventSlim();
        using var bFailed = new ManualResetEventSlim();
        string? aBefore = null, aAfter = null, bMessage = null;
        Exception? failure = null;

        var a = new Thread(() =>
        {
            try
            {
                Assert.Throws<OpenCvException>(() => ImageCodec.QueryImage([1, 2, 3, 4, 5]));
                aBefore = OpenCvNative.LastErrorMessage();
                aFailed.Set();
                Assert.True(bFailed.Wait(TimeSpan.FromSeconds(30)), "thread B never failed");
                aAfter = OpenCvNative.LastErrorMessage();
            }
            catch (Exception e)
            {
                failure = e;
                aFailed.Set();
            }
        });
        var b = new Thread(() =>
        {
            try
            {
                Assert.True(aFailed.Wait(TimeSpan.FromSeconds(30)), "thread A never failed");
                Assert.Throws<OpenCvException>(
                    () => FrameResizer.Resize(new byte[3], BgrLayout.Packed(1, 1), new byte[3], BgrLayout.Packed(0, 1)));
                bMessage = OpenCvNative.LastErrorMessage();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                bFailed.Set();
            }
        });
        a.Start();
        b.Start();
        Assert.True(a.Join(TimeSpan.FromSeconds(60)));
        Assert.True(b.Join(TimeSpan.FromSeconds(60)));

        Assert.Null(failure);
        Assert.Contains("not an image", aBefore, StringComparison.Ordinal);
        Assert.Contains("va_resize_bgr", bMessage, StringComparison.Ordinal);
        Assert.Equal(aBefore, aAfter);
    }

    [Fact]
    public void The_exception_carries_the_message_of_the_failing_call()
    {
        var error = Assert.Throws<OpenCvException>(
            () => FrameResizer.Resize(ReadOnlySpan<byte>.Empty, BgrLayout.Packed(1, 1), new byte[3], BgrLayout.Packed(1, 1)));
        Assert.Equal(OpenCvStatus.InvalidArgument, error.Status);
        Assert.Contains("source is null", error.Message, StringComparison.Ordinal);
    }
}
