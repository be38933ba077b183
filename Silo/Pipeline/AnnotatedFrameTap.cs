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
/// All watchers of a camera waiting at the same time share one encode.
/// </summary>
public sealed class AnnotatedFrameTap
{
    private const int JpegQuality = 80;

    private readonly ConcurrentDictionary<string, Watchers> _cameras = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BoxPainter> _painters = new(StringComparer.Ordinal);
    private int _waiting;

    /// <summary>Whether anyone at all waits for a frame; the grain reads this before anything else.</summary>
    public bool HasWatchers => Volatile.Read(ref _waiting) > 0;

    /// <summary>The next analysed frame of <paramref name="cameraId"/>, drawn and encoded.</summary>
    public Task<AnnotatedFrame> NextAsync(string cameraId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cameraId);
        var watchers = _cameras.GetOrAdd(cameraId, _ => new Watchers());
        var waiter = new TaskCompletionSource<AnnotatedFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (watchers)
        {
            watchers.Waiting.Add(waiter);
        }

        Interlocked.Increment(ref _waiting);
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                bool removed;
                lock (watchers)
                {
                    removed = watchers.Waiting.Remove(waiter);
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

        List<TaskCompletionSource<AnnotatedFrame>> waiting;
        lock (watchers)
        {
            if (watchers.Waiting.Count == 0)
            {
                return;
            }

            waiting = watchers.Waiting;
            watchers.Waiting = [];
        }

        Interlocked.Add(ref _waiting, -waiting.Count);
        var length = frame.Length;
        var pixels = ArrayPool<byte>.Shared.Rent(length);
        frame.Pixels.AsSpan(0, length).CopyTo(pixels);
        var layout = BgrLayout.Packed(frame.Width, frame.Height);
        var painter = _painters.GetOrAdd(result.Model, _ => new BoxPainter(labels));
        ThreadPool.UnsafeQueueUserWorkItem(_ => Annotate(pixels, layout, result, painter, waiting), null);
    }

    private static void Annotate(byte[] pixels, BgrLayout layout, DetectionFrame result, BoxPainter painter, List<TaskCompletionSource<AnnotatedFrame>> waiting)
    {
        try
        {
            var boxes = new LabeledBox[result.Detections.Count];
            for (var i = 0; i < boxes.Length; i++)
            {
                var d = result.Detections[i];
                boxes[i] = new LabeledBox(d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2, d.Score, d.ClassId);
            }

            var image = pixels.AsSpan(0, (int)layout.RequiredBytes);
            painter.Draw(image, layout, boxes);
            var jpeg = new ArrayBufferWriter<byte>(Math.Max(4096, layout.Width * layout.Height / 4));
            ImageCodec.EncodeJpeg(image, layout, JpegQuality, jpeg);
            var annotated = new AnnotatedFrame(result.CameraId!, result.FrameIndex, result.Timestamp, jpeg.WrittenSpan.ToArray());
            foreach (var waiter in waiting)
            {
                waiter.TrySetResult(annotated);
            }
        }
        catch (Exception e) when (e is OpenCvException or ArgumentException)
        {
            foreach (var waiter in waiting)
            {
                waiter.TrySetException(e);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pixels);
        }
    }

    private sealed class Watchers
    {
        public List<TaskCompletionSource<AnnotatedFrame>> Waiting { get; set; } = [];
    }
}
