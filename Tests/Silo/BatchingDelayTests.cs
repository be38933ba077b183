using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VideoAnalytics.Tests.Support;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Tests.Silo;

/// <summary>
/// When an inference worker runs a batch, on a fake clock: at once with <c>MaxBatch</c> frames ready, otherwise
/// <c>MaxDelay</c> after the oldest waiting frame was captured.
/// </summary>
public sealed class BatchingDelayTests : IDisposable
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(40);
    private readonly FakeTimeProvider _time = new();
    private readonly ModelCatalog _catalog;
    private readonly InferenceWorker _grain;

    public BatchingDelayTests()
    {
        var options = new InferenceOptions { MaxBatch = 3, MaxDelay = MaxDelay, ModelsDirectory = Path.GetTempPath() };
        _catalog = new ModelCatalog(Options.Create(options), NullLogger<ModelCatalog>.Instance);
        _grain = new InferenceWorker("cpu", ExecutionDevice.Cpu, _catalog, options, HistoryOnlyPublisher.Over(new InMemoryDetectionStreams(Options.Create(new StreamOptions()))),
            new PipelineMetrics(), NullLogger.Instance, time: _time);
    }

    public void Dispose()
    {
        _grain.Dispose();
        _catalog.Dispose();
    }

    [Fact]
    public void A_full_batch_runs_at_once()
    {
        var slots = Slots();
        foreach (var slot in slots)
        {
            Offer(slot);
        }

        Assert.Equal(0, _grain.NextWait(out var ready));
        Assert.Equal(3, ready);
    }

    [Fact]
    public void A_lone_frame_waits_max_delay_from_its_capture()
    {
        var slots = Slots();
        Assert.Equal(0, _grain.NextWait(out var ready));
        Assert.Equal(0, ready);

        Offer(slots[0]);
        Assert.Equal(Ticks(MaxDelay), _grain.NextWait(out ready));
        Assert.Equal(1, ready);

        // The wait counts from the oldest frame's capture, not from the newest arrival.
        _time.Advance(TimeSpan.FromMilliseconds(30));
        Offer(slots[1]);
        Assert.Equal(Ticks(TimeSpan.FromMilliseconds(10)), _grain.NextWait(out ready));
        Assert.Equal(2, ready);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(0, _grain.NextWait(out _));
    }

    private FrameSlot[] Slots() => [.. Enumerable.Range(0, 3).Select(i => _grain.Attach(new CameraSpec { Id = $"cam{i}", Url = "unused.mp4" }))];

    private void Offer(FrameSlot slot)
    {
        var frame = slot.Rent(8, 8);
        frame.CapturedTicks = _time.GetTimestamp();
        Assert.False(slot.Offer(frame)); // nothing pending was replaced
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
