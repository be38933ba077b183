using System.ComponentModel.DataAnnotations;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>Configuration section <c>Cluster</c>: which providers back the registry, status board, streams and placement.</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary><c>InMemory</c> (one process, the default) or <c>Redis</c> (a cluster of silos and gateways).</summary>
    public ClusterProvider Provider { get; set; } = ClusterProvider.InMemory;

    /// <summary>Redis connection string (StackExchange.Redis syntax: <c>host:port,password=…</c>), e.g. <c>127.0.0.1:6379</c>; required for <c>Redis</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every key and channel, so several deployments (or tests) can share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$")]
    public string KeyPrefix { get; set; } = "va:";

    /// <summary>How often a silo says it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A silo that has not said it is alive for this long is dead: its cameras move.</summary>
    public TimeSpan SiloTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>A camera lease lasts this long unless renewed (every third of it).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>This silo's weight in placement: a silo of capacity 2 gets about twice the cameras of one of capacity 1.</summary>
    [Range(0.01, 1000)]
    public double Capacity { get; set; } = 1;

    /// <summary>The interval leases are renewed at: three tries before one expires.</summary>
    public TimeSpan RenewInterval => LeaseDuration / 3;
}
