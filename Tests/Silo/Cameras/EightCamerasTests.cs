using System.Diagnostics;
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

    [Fact]
    public async Task Eight_cameras_with_a_model_behind_them_keep_their_target_fps()
    {
        using var detector = RefineDetDetector.Load(TestFrames.DataPath("tiny-raw.onnx"));
        var options = CameraUnderTest.Options(media.Root);
        var cameras = new List<CameraUnderTest>();
        using var stop = new CancellationTokenSource();
        Thread? inference = null;
        try
        {
            for (var i = 0; i < Cameras; i++)
            {
                cameras.Add(new CameraUnderTest($"cam{i}", media.LongClip, options, TargetFps, take: false));
            }

            // One inference thread serves every slot, like the inference grain: take, detect, release.
            var slots = cameras.Select(c => c.Consumer.Slot).ToArray();
            inference = new Thread(() => Infer(detector, slots, stop.Token)) { IsBackground = true, Name = "test inference" };
            inference.Start();
            foreach (var camera in cameras)
            {
                camera.Start();
            }

            // Measure each camera over 4 s once it has started offering.
            var starts = new (long Offered, long Ticks)[Cameras];
            var ends = new (long Offered, long Ticks)[Cameras];
            var window = (long)(4 * Stopwatch.Frequency);
            await Eventually.Until(() =>
            {
                var done = true;
                for (var i = 0; i < Cameras; i++)
                {
                    var offered = slots[i].Offered;
                    var now = Stopwatch.GetTimestamp();
                    if (starts[i].Ticks == 0)
                    {
                        if (offered >= 2)
                        {
                            starts[i] = (offered, now);
                        }

                        done = false;
                    }
                    else if (ends[i].Ticks == 0)
                    {
                        if (now - starts[i].Ticks >= window)
                        {
                            ends[i] = (offered, now);
                        }
                        else
                        {
                            done = false;
                        }
                    }
                }

                return done;
            }, TimeSpan.FromSeconds(30), "a 4 s window on every camera", () => string.Join("; ", cameras.Select(c => c.Describe())));

            for (var i = 0; i < Cameras; i++)
            {
                var rate = (ends[i].Offered - starts[i].Offered) / ((ends[i].Ticks - starts[i].Ticks) / (double)Stopwatch.Frequency);
                Assert.InRange(rate, TargetFps * 0.8, TargetFps * 1.2);
                Assert.True(slots[i].Processed > 0, $"camera {i} had no frame analysed");
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

    private static void Infer(RefineDetDetector detector, FrameSlot[] slots, CancellationToken stop)
    {
        var results = new DetectionBatch();
        var batch = new BgrFrame[1];
        while (!stop.IsCancellationRequested)
        {
            var idle = true;
            foreach (var slot in slots)
            {
                var frame = slot.Take();
                if (frame is null)
                {
                    continue;
                }

                idle = false;
                batch[0] = new BgrFrame(frame.Pixels, frame.Width, frame.Height, frame.Stride);
                detector.Detect(batch, results);
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
