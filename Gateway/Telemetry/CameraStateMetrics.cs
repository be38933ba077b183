using System.Diagnostics.Metrics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Gateway.Cameras;

namespace VideoAnalytics.Gateway.Telemetry;

/// <summary>
/// <c>va.camera.state</c> (Prometheus <c>va_camera_state{camera,state}</c>): for every registered camera one series per
/// state, 1 for the state it is in and 0 for the others — the kube-state-metrics convention, so that
/// <c>va_camera_state{state="failed"} == 1</c> alerts and <c>sum by (state)</c> counts cameras, with no series that
/// appears only when something goes wrong. States are <c>starting</c>, <c>streaming</c>, <c>reconnecting</c>,
/// <c>failed</c>, <c>stopped</c>, as <c>GET /api/cameras</c> shows them; a deleted camera's series go with it.
/// </summary>
/// <remarks>
/// The gateway reports it, not the silos: it sees every camera, switched-off ones included (no silo runs those), and
/// in a cluster each silo would otherwise report only its own. The registry and status board are asynchronous (Redis
/// in a cluster) and an observable instrument's callback is not, so a snapshot is refreshed every
/// <see cref="RefreshInterval"/> and at once when the registry announces a change.
/// </remarks>
public sealed partial class CameraStateMetrics : BackgroundService
{
    /// <summary>The gateway's meter (camera states).</summary>
    public const string MeterName = "VideoAnalytics.Gateway";

    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private static readonly CameraState[] States = Enum.GetValues<CameraState>();
    private static readonly string[] StateNames = [.. States.Select(s => s.ToString().ToLowerInvariant())];

    private readonly ICameraRegistry _registry;
    private readonly ICameraStatusBoard _board;
    private readonly ILogger<CameraStateMetrics> _logger;
    private readonly Meter _meter;
    private readonly SemaphoreSlim _changed = new(0);
    private volatile (string Camera, CameraState State)[] _snapshot = [];

    public CameraStateMetrics(ICameraRegistry registry, ICameraStatusBoard board, IMeterFactory meters, ILogger<CameraStateMetrics> logger)
    {
        _registry = registry;
        _board = board;
        _logger = logger;
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("va.camera.state", Observe, "{camera}", "1 for the state each camera is in, 0 for the others");
    }

    public override void Dispose()
    {
        _meter.Dispose();
        _changed.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _registry.Changed += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RefreshAsync(stoppingToken);
                await _changed.WaitAsync(RefreshInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // the gateway stops
        }
        finally
        {
            _registry.Changed -= OnChanged;
        }
    }

    private void OnChanged(string id) => _changed.Release();

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var specs = await _registry.ListAsync(cancellationToken);
            var statuses = (await _board.ListAsync(cancellationToken)).ToDictionary(s => s.Id, StringComparer.Ordinal);
            // The state as GET /api/cameras shows it (one owner of that rule: a switched-off camera reads stopped).
            _snapshot = [.. specs.Select(s => (s.Id, CameraView.From(s, statuses.GetValueOrDefault(s.Id)).State))];
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Redis briefly away: keep the last snapshot and try again at the next refresh.
            LogRefreshFailed(e.Message);
        }
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        var snapshot = _snapshot;
        var measurements = new List<Measurement<int>>(snapshot.Length * States.Length);
        foreach (var (camera, state) in snapshot)
        {
            for (var i = 0; i < States.Length; i++)
            {
                measurements.Add(new Measurement<int>(States[i] == state ? 1 : 0,
                    new KeyValuePair<string, object?>("camera", camera), new KeyValuePair<string, object?>("state", StateNames[i])));
            }
        }

        return measurements;
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Debug, Message = "Refreshing the camera state gauge failed ({Reason}); keeping the last snapshot")]
    private partial void LogRefreshFailed(string reason);
}
