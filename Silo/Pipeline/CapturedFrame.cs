namespace VideoAnalytics.Silo.Pipeline;

/// <summary>
/// One decoded frame travelling from a camera grain to its inference worker. The pixel buffer is pooled by
/// the camera's <see cref="FrameSlot"/>: whoever holds the frame returns it to the slot when done.
/// </summary>
public sealed class CapturedFrame
{
    internal CapturedFrame(int capacity) => Pixels = new byte[capacity];

    /// <summary>Packed BGR rows (stride = width·3); valid while the frame is held.</summary>
    public byte[] Pixels { get; private set; }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public int Stride => Width * 3;

    public int Length => Stride * Height;

    /// <summary>Frames read from the source since the camera started (the frame number for files).</summary>
    public long FrameIndex { get; set; }

    /// <summary>Capture time, UTC.</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>Timestamp ticks of the silo's <see cref="TimeProvider"/> at capture, for batching delay, staleness and latency.</summary>
    public long CapturedTicks { get; set; }

    /// <summary>Fencing epoch of the camera activation that captured this frame.</summary>
    public long Epoch { get; set; }

    /// <summary>Sets the frame size, growing the buffer when it is too small (a resolution change).</summary>
    public void Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var needed = width * 3 * height;
        if (Pixels.Length < needed)
        {
            Pixels = new byte[needed];
        }

        Width = width;
        Height = height;
    }
}
