using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Telemetry;

namespace VideoAnalytics.Tests.Silo.Cameras;

/// <summary>A camera capture wired to a <see cref="TestConsumer"/>, a test logger and its own metrics.</summary>
internal sealed class CameraUnderTest : IAsyncDisposable
{
    public CameraUnderTest(string id, string url, CameraOptions options, double fps = 5, bool take = true, PipelineMetrics? metrics = null)
    {
        Spec = new CameraSpec { Id = id, Url = url, Fps = fps };
        Consumer = new TestConsumer(Spec, take);
        Metrics = metrics ?? new PipelineMetrics();
        Capture = new CameraCapture(Spec, Consumer.Slot, options, Metrics, TimeProvider.System, Logger, "silo-test");
    }

    public CameraSpec Spec { get; }

    public TestConsumer Consumer { get; }

    public PipelineMetrics Metrics { get; }

    public TestLogger<CameraCapture> Logger { get; } = new();

    public CameraCapture Capture { get; }

    public CameraStatus Status => Capture.Status;

    /// <summary>Options with test-sized timeouts: 2 s watchdog, 0.2–1 s reconnect backoff.</summary>
    public static CameraOptions Options(string mediaRoot) => new()
    {
        MediaRoots = [mediaRoot],
        WatchdogTimeout = TimeSpan.FromSeconds(2),
        ReadTimeout = TimeSpan.FromSeconds(2),
        OpenTimeout = TimeSpan.FromSeconds(3),
        ReconnectInitialDelay = TimeSpan.FromSeconds(0.2),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
    };

    public CameraUnderTest Start()
    {
        Capture.Start();
        return this;
    }

    public string Describe()
    {
        var s = Status;
        return $"{s.Id}: {s.State}, error '{s.LastError}', offered {Consumer.Slot.Offered}, taken {Consumer.Count}, input {s.InputFps:0.0} fps";
    }

    public async ValueTask DisposeAsync() => await Capture.DisposeAsync();
}
