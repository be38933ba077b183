using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Silo.Pipeline;

namespace VideoAnalytics.Tests.Silo.Pipeline;

/// <summary>The tap's two kinds of picture: with the boxes drawn, and clean (for a viewer that draws them itself).</summary>
public sealed class AnnotatedFrameTapTests
{
    [Fact]
    public async Task One_frame_answers_a_drawn_and_a_clean_watcher_each_with_its_own_kind()
    {
        var tap = new AnnotatedFrameTap();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var drawn = tap.NextAsync("cam", drawBoxes: true, cancel.Token);
        var clean = tap.NextAsync("cam", drawBoxes: false, cancel.Token);
        Assert.True(tap.HasWatchers);

        var frame = new CapturedFrame(64 * 48 * 3);
        frame.Resize(64, 48);
        Array.Fill(frame.Pixels, (byte)128, 0, frame.Length); // uniform grey: any colour is a drawn box
        var result = new DetectionFrame
        {
            CameraId = "cam",
            FrameIndex = 7,
            Model = "m",
            Width = 64,
            Height = 48,
            Detections = [new DetectedObject(0, "a", 0.9f, new BoundingBox(8, 8, 40, 40))],
        };
        tap.Offer(frame, result, ["a"]);

        var (withBoxes, withoutBoxes) = (await drawn, await clean);
        Assert.Equal(7, withBoxes.FrameIndex);
        Assert.Equal(7, withoutBoxes.FrameIndex);
        Assert.True(MaxColour(withBoxes.Jpeg) > 60, "the drawn frame has no box");
        Assert.True(MaxColour(withoutBoxes.Jpeg) < 16, "the clean frame has a box drawn in");
        Assert.False(tap.HasWatchers);
    }

    // The largest spread between a pixel's channels: about 0 for grey, large for a coloured box line.
    private static int MaxColour(byte[] jpeg)
    {
        var layout = ImageCodec.QueryImage(jpeg);
        var pixels = new byte[layout.RequiredBytes];
        ImageCodec.Decode(jpeg, pixels);
        var worst = 0;
        for (var i = 0; i + 2 < pixels.Length; i += 3)
        {
            var (b, g, r) = (pixels[i], pixels[i + 1], pixels[i + 2]);
            worst = Math.Max(worst, Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)));
        }

        return worst;
    }
}
