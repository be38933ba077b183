namespace VideoAnalytics.Inference;

/// <summary>
/// Reusable result storage for one detect call: the detections of each frame of the batch. Keep one per
/// caller and pass it to every call; it grows only when a batch is larger than any before it, so steady
/// state allocates nothing. Contents are valid until the next call that writes into it.
/// </summary>
public sealed class DetectionBatch
{
    private Detection[] _detections = [];
    private int[] _counts = [];
    private int _perFrame;

    public int FrameCount { get; private set; }

    /// <summary>The detections of frame <paramref name="frame"/>, highest score first.</summary>
    public ReadOnlySpan<Detection> this[int frame]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)frame, (uint)FrameCount, nameof(frame));
            return _detections.AsSpan(frame * _perFrame, _counts[frame]);
        }
    }

    internal void Reset(int frames, int perFrame)
    {
        if (frames * perFrame > _detections.Length)
        {
            _detections = new Detection[frames * perFrame];
        }

        if (frames > _counts.Length)
        {
            _counts = new int[frames];
        }

        _perFrame = perFrame;
        FrameCount = frames;
        _counts.AsSpan(0, frames).Clear();
    }

    /// <summary>Room for the detections of <paramref name="frame"/>; commit with <see cref="SetCount"/>.</summary>
    internal Span<Detection> Slot(int frame) => _detections.AsSpan(frame * _perFrame, _perFrame);

    internal void SetCount(int frame, int count) => _counts[frame] = count;
}
