using Microsoft.Extensions.Logging;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>Cluster log messages (event ids 2400–2499).</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Silo {Silo} joined the cluster; live silos: {Silos}")]
    public static partial void Joined(ILogger logger, string silo, string silos);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Information, Message = "Cluster membership changed; live silos: {Silos}")]
    public static partial void MembershipChanged(ILogger logger, string silos);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "Heartbeat to Redis failed: {Reason}")]
    public static partial void HeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Information, Message = "Silo {Silo} left the cluster")]
    public static partial void Left(ILogger logger, string silo);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Information, Message = "Lease on camera {Camera} acquired (epoch {Epoch})")]
    public static partial void LeaseAcquired(ILogger logger, string camera, long epoch);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Warning, Message = "Lease on camera {Camera} lost ({Reason}); the camera stops here")]
    public static partial void LeaseLost(ILogger logger, string camera, string reason);

    [LoggerMessage(EventId = 2407, Level = LogLevel.Information, Message = "Lease on camera {Camera} released")]
    public static partial void LeaseReleased(ILogger logger, string camera);

    [LoggerMessage(EventId = 2408, Level = LogLevel.Warning, Message = "Renewing the lease on camera {Camera} failed: {Reason}")]
    public static partial void RenewFailed(ILogger logger, string camera, string reason);

    [LoggerMessage(EventId = 2409, Level = LogLevel.Warning, Message = "Releasing the lease on camera {Camera} failed (it expires by itself): {Reason}")]
    public static partial void ReleaseFailed(ILogger logger, string camera, string reason);
}
