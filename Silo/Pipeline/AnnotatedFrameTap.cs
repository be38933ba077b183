using System.Buffers;
using System.Collections.Concurrent;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Inference.Native.OpenCv;

namespace VideoAnalytics.Silo.Pipeline;

/// <summary>
/// Annotated JPEGs of live frames for whoever is watching (snapshot and MJPEG routes). A watcher asks for the
/// next analysed frame of a camera; the inference worker checks <see cref="HasWatchers"/> (one volatile read)
/// per published frame and only when someone waits for that camera copies the pixels, after which drawing
/// and encoding run on the thread pool. With nobody watching the pipeline pays nothing and allocates nothing.
/// All watchers of a camera waiting at the same time share one encode per kind: frames with the boxes drawn, and
/// clean frames for a viewer that draws the boxes itself (the dashboard's overlay, which can then be switched off).
/// Both kinds of one frame come from one copy of its pixels: the clean JPEG is encoded before the boxes are drawn.
/// </summary>
public sealed class AnnotatedFrameTap
{
    private const int JpegQuality = 80;

    private readonly ConcurrentDictionary<string, Watchers> _cameras = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BoxPainter> _painters = new(StringComparer.Ordinal);
    private int _waiting;

    /// <summary>Whether anyone at all waits for a frame; the grain reads this before anything else.</summary>
    public bool HasWatchers => Volatile.Read(ref _waiting) > 0;

    /// <summary>
    /// The next analysed frame of <paramref name="cameraId"/>, encoded; with its detections drawn when
    /// <paramref name="drawBoxes"/>, else the picture as captured.
    /// </summary>
    public Task<AnnotatedFrame> NextAsync(string cameraId, bool drawBoxes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cameraId);
        var watchers = _cameras.GetOrAdd(cameraId, _ => new Watchers());
        var waiter = new TaskCompletionSource<AnnotatedFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (watchers)
        {
            watchers.Queue(drawBoxes).Add(waiter);
        }

        Interlocked.Increment(ref _waiting);
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                bool removed;
                lock (watchers)
                {
                    removed = watchers.Queue(drawBoxes).Remove(waiter);
                }

                // Only the side that removed the waiter (this or Offer) accounts for it.
                if (removed)
                {
                    Interlocked.Decrement(ref _waiting);
                    waiter.TrySetCanceled(cancellationToken);
                }
            });
            _ = waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return waiter.Task;
    }

    /// <summary>
    /// Inference side: offers an analysed frame. Copies the pixels (the caller releases its buffer after this
    /// returns) only when someone waits for this camera.
    /// </summary>
    internal void Offer(CapturedFrame frame, DetectionFrame result, IReadOnlyList<string> labels)
    {
        if (result.CameraId is not { } cameraId || !_cameras.TryGetValue(cameraId, out var watchers))
        {
            return;
        }

        List<TaskCompletionSource<AnnotatedFrame>> drawn, clean;
        lock (watchers)
        {
            if (watchers.Drawn.Count == 0 && watchers.Clean.Count == 0)
            {
                return;
            }

            (drawn, clean) = (watchers.Drawn, watchers.Clean);
            (watchers.Drawn, watchers.Clean) = ([], []);
        }

        Interlocked.Add(ref _waiting, -(drawn.Count + clean.Count));
        var length = frame.Length;
        var pixels = ArrayPool<byte>.Shared.Rent(length);
        frame.Pixels.AsSpan(0, length).CopyTo(pixels);
        var layout = BgrLayout.Packed(frame.Width, frame.Height);
        var painter = _painters.GetOrAdd(result.Model, _ => new BoxPainter(labels));
        ThreadPool.UnsafeQueueUserWorkItem(_ => Annotate(pixels, layout, result, painter, drawn, clean), null);
    }

    private static void Annotate(
        byte[] pixels, BgrLayout layout, DetectionFrame result, BoxPainter painter,
        List<TaskCompletionSource<AnnotatedFrame>> drawn, List<TaskCompletionSource<AnnotatedFrame>> clean)
    {
        try
        {
            var image = pixels.AsSpan(0, (int)layout.RequiredBytes);
            if (clean.Count > 0)
            {
                // Before the boxes are drawn into the same pixels.
                Complete(clean, Encode(image, layout, result));
            }

            if (drawn.Count > 0)
            {
                var boxes = new LabeledBox[result.Detections.Count];
                for (var i = 0; i < boxes.Length; i++)
                {
                    var d = result.Detections[i];
                    boxes[i] = new LabeledBox(d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2, d.Score, d.ClassId);
                }

                painter.Draw(image, layout, boxes);
                Complete(drawn, Encode(image, layout, result));
            }
        }
        catch (Exception e) when (e is OpenCvException or ArgumentException)
        {
            foreach (var waiter in drawn.Concat(clean))
            {
                waiter.TrySetException(e);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pixels);
        }
    }

    private static AnnotatedFrame Encode(ReadOnlySpan<byte> image, BgrLayout layout, DetectionFrame result)
    {
        var jpeg = new ArrayBufferWriter<byte>(Math.Max(4096, layout.Width * layout.Height / 4));
        ImageCodec.EncodeJpeg(image, layout, JpegQuality, jpeg);
        return new AnnotatedFrame(result.CameraId!, result.FrameIndex, result.Timestamp, jpeg.WrittenSpan.ToArray());
    }

    private static void Complete(List<TaskCompletionSource<AnnotatedFrame>> waiting, AnnotatedFrame frame)
    {
        foreach (var waiter in waiting)
        {
            waiter.TrySetResult(frame);
        }
    }

    private sealed class Watchers
    {
        /// <summary>Waiting for the next frame with its boxes drawn.</summary>
        public List<TaskCompletionSource<AnnotatedFrame>> Drawn { get; set; } = [];

        /// <summary>Waiting for the next frame as captured.</summary>
        public List<TaskCompletionSource<AnnotatedFrame>> Clean { get; set; } = [];

        public List<TaskCompletionSource<AnnotatedFrame>> Queue(bool drawBoxes) => drawBoxes ? Drawn : Clean;
    }
}
