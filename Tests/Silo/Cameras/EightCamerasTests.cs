using System.Collections.Concurrent;
using VideoAnalytics.Inference;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Tests.Inference;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cameras;

[Collection(CameraTestGroup.Name)]
public sealed class EightCamerasTests(CameraMediaFixture media)
{
    private const int Cameras = 8;
    private const double TargetFps = 5;

    /// <summary>
    /// Eight file cameras of a 25 fps clip sampled to 5 fps, one model behind them: every camera gets frames analysed,
    /// and every analysed frame is one of the 5 fps samples (frame numbers a multiple of 5 apart), however the machine's
    /// load shares the cores. How many frames per second that comes to is the bench's to measure (pipeline section).
    /// </summary>
    [Fact]
    public async Task Eight_cameras_with_a_model_behind_them_all_get_their_sampled_frames_analysed()
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-raw.onnx"));
        var options = CameraUnderTest.Options(media.Root);
        var cameras = new List<CameraUnderTest>();
        using var stop = new CancellationTokenSource();
        Thread? inference = null;
        var analysed = Enumerable.Range(0, Cameras).Select(_ => new ConcurrentQueue<long>()).ToArray();
        try
        {
            for (var i = 0; i < Cameras; i++)
            {
                cameras.Add(new CameraUnderTest($"cam{i}", media.LongClip, options, TargetFps, take: false));
            }

            // One inference thread serves every slot, like the inference grain: take, detect, release.
            var slots = cameras.Select(c => c.Consumer.Slot).ToArray();
            inference = new Thread(() => Infer(detector, slots, analysed, stop.Token)) { IsBackground = true, Name = "test inference" };
            inference.Start();
            foreach (var camera in cameras)
            {
                camera.Start();
            }

            await Eventually.Until(() => analysed.All(q => q.Count >= 8), TimeSpan.FromSeconds(60), "eight analysed frames on every camera",
                () => string.Join("; ", cameras.Select(c => c.Describe())));

            const int step = 25 / (int)TargetFps;
            for (var i = 0; i < Cameras; i++)
            {
                var indexes = analysed[i].ToArray();
                for (var k = 1; k < indexes.Length; k++)
                {
                    var delta = indexes[k] - indexes[k - 1];
                    // Within one pass of the clip; the file loops, so the index may start over.
                    if (delta > 0)
                    {
                        Assert.True(delta % step == 0, $"camera {i}: frames {indexes[k - 1]} then {indexes[k]} are not {step} source frames apart");
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            inference?.Join(TimeSpan.FromSeconds(5));
            foreach (var camera in cameras)
            {
                await camera.DisposeAsync();
            }
        }
    }

    private static void Infer(RefineDetDetector detector, FrameSlot[] slots, ConcurrentQueue<long>[] analysed, CancellationToken stop)
    {
        var results = new DetectionBatch();
        var batch = new BgrFrame[1];
        while (!stop.IsCancellationRequested)
        {
            var idle = true;
            for (var i = 0; i < slots.Length; i++)
            {
                var slot = slots[i];
                var frame = slot.Take();
                if (frame is null)
                {
                    continue;
                }

                idle = false;
                batch[0] = new BgrFrame(frame.Pixels, frame.Width, frame.Height, frame.Stride);
                detector.Detect(batch, results);
                analysed[i].Enqueue(frame.FrameIndex);
                slot.Release(frame, processed: true);
            }

            if (idle)
            {
                // Nothing pending: yield the core to the capture threads (polling, not synchronisation).
                stop.WaitHandle.WaitOne(5);
            }
        }
    }
}
