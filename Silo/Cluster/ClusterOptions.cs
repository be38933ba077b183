using System.ComponentModel.DataAnnotations;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// Configuration section <c>Cluster</c>: which providers back the registry, status board, streams and the Orleans
/// cluster (membership, grain directory, grain state, reminders), this silo's endpoints and placement weight, and
/// how fast membership notices a dead silo.
/// </summary>
/// <remarks>
/// The membership defaults are tuned for cameras (measured here with two silos on Redis: a killed silo's grains
/// answered from the survivor after 1.1–2.1 s, a frozen one's after 3.3 s; Orleans' own defaults take 12–17 s and
/// over a minute). A silo is declared dead after <see cref="MissedProbesLimit"/> probes of
/// <see cref="ProbeTimeout"/> each went unanswered; every silo re-reads the membership table every
/// <see cref="TableRefreshTimeout"/>.
/// </remarks>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary><c>InMemory</c> (one process, the default) or <c>Redis</c> (a cluster of silos and gateways).</summary>
    public ClusterProvider Provider { get; set; } = ClusterProvider.InMemory;

    /// <summary>Redis connection string (StackExchange.Redis syntax: <c>host:port,password=…</c>), e.g. <c>127.0.0.1:6379</c>; required for <c>Redis</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every key and channel of ours, and the Orleans cluster's id, so several deployments (or tests) can share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$")]
    public string KeyPrefix { get; set; } = "va:";

    /// <summary>This silo's weight in placement: a silo of capacity 2 gets about twice the cameras of one of capacity 1.</summary>
    [Range(0.01, 1000)]
    public double Capacity { get; set; } = 1;

    /// <summary>Port silos talk to each other on (Redis mode; the all-in-one service picks a free loopback port).</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (cluster gateways) connect to (Redis mode).</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at (Redis mode); empty: the host's first network address.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How long a probe of another silo may take before it counts as missed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row after which a silo votes another dead.</summary>
    [Range(1, 10)]
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>How often each silo re-reads the membership table (it also hears of changes directly).</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a silo writes "I am alive" into the membership table.</summary>
    public TimeSpan IAmAlivePublishTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Orleans' service and cluster id, shared by the silos and the gateways' clients; the key prefix keeps deployments that share one Redis apart.</summary>
    public string OrleansServiceId => KeyPrefix.TrimEnd(':') + "-videoanalytics";
}
