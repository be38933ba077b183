using StackExchange.Redis;
using VideoAnalytics.Silo.Cluster;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>How Orleans' Redis providers (membership, directory, grain state, reminders) connect, in silos and clients alike.</summary>
public static class OrleansRedis
{
    /// <summary>
    /// The connection of <c>Cluster:Redis</c>. It keeps retrying while Redis is away instead of failing the process at
    /// start: silos and gateways may start before Redis, and must ride out its restarts.
    /// </summary>
    public static ConfigurationOptions Connection(ClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var options = ConfigurationOptions.Parse(cluster.Redis ?? string.Empty);
        options.AbortOnConnectFail = false;
        return options;
    }
}
