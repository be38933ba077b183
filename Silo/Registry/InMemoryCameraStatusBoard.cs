using System.Collections.Concurrent;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Registry;

/// <summary>Camera status kept in this process (single-process mode).</summary>
public sealed class InMemoryCameraStatusBoard : ICameraStatusBoard
{
    private readonly ConcurrentDictionary<string, CameraStatus> _statuses = new(StringComparer.Ordinal);

    public Task ReportAsync(CameraStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        _statuses[status.Id] = status;
        return Task.CompletedTask;
    }

    public Task<CameraStatus?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_statuses.TryGetValue(id, out var s) ? s : null);

    public Task<IReadOnlyList<CameraStatus>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CameraStatus>>([.. _statuses.Values.OrderBy(s => s.Id, StringComparer.Ordinal)]);

    public Task RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        _statuses.TryRemove(id, out _);
        return Task.CompletedTask;
    }
}
