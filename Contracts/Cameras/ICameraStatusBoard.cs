namespace VideoAnalytics.Contracts.Cameras;

/// <summary>Where silos publish camera status and gateways read it.</summary>
public interface ICameraStatusBoard
{
    Task ReportAsync(CameraStatus status, CancellationToken cancellationToken = default);

    Task<CameraStatus?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<CameraStatus>> ListAsync(CancellationToken cancellationToken = default);

    Task RemoveAsync(string id, CancellationToken cancellationToken = default);
}
