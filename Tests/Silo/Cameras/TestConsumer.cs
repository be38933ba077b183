using System.Diagnostics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Silo.Pipeline;

namespace VideoAnalytics.Tests.Silo.Cameras;

/// <summary>
/// Stands in for the inference grain: owns the camera's <see cref="FrameSlot"/> and either takes each offered frame
/// at once (recording its index and when it came), or never takes anything (to provoke latest-frame-wins drops).
/// </summary>
internal sealed class TestConsumer
{
    private readonly Lock _gate = new();
    private readonly List<(long Index, long Ticks, int Digest)> _offers = [];
    private readonly bool _take;

    public TestConsumer(CameraSpec spec, bool take = true)
    {
        _take = take;
        Slot = new FrameSlot(spec, OnOffered);
    }

    public FrameSlot Slot { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _offers.Count;
            }
        }
    }

    public IReadOnlyList<(long Index, long Ticks, int Digest)> Offers
    {
        get
        {
            lock (_gate)
            {
                return [.. _offers];
            }
        }
    }

    /// <summary>Frames per second between offer <paramref name="from"/> and offer <paramref name="to"/>.</summary>
    public double Rate(int from, int to)
    {
        var offers = Offers;
        var seconds = (offers[to].Ticks - offers[from].Ticks) / (double)Stopwatch.Frequency;
        return (to - from) / seconds;
    }

    private void OnOffered(FrameSlot slot)
    {
        if (!_take)
        {
            return;
        }

        var frame = slot.Take();
        if (frame is null)
        {
            return;
        }

        lock (_gate)
        {
            _offers.Add((frame.FrameIndex, Stopwatch.GetTimestamp(), Digest(frame.Pixels.AsSpan(0, frame.Length))));
        }

        slot.Release(frame, processed: true);
    }

    /// <summary>A digest of a frame's pixels (stable within the test process), to compare with a file's frames.</summary>
    public static int Digest(ReadOnlySpan<byte> pixels)
    {
        var hash = new HashCode();
        hash.AddBytes(pixels);
        return hash.ToHashCode();
    }
}
