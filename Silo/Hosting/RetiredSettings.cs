using Microsoft.Extensions.Configuration;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// Settings that meant something before the service ran on Orleans. Configuration binding would ignore them
/// silently, leaving an operator to believe they still act; instead the process stops at start naming what
/// replaced each one.
/// </summary>
public static class RetiredSettings
{
    private static readonly (string Key, string Replacement)[] Retired =
    [
        ("Cluster:HeartbeatInterval", "its replacements are Cluster:IAmAlivePublishTimeout (how often a silo writes that it is alive) and Cluster:ProbeTimeout (how long a liveness probe may take)"),
        ("Cluster:SiloTimeout", "its replacements are Cluster:ProbeTimeout and Cluster:MissedProbesLimit (a silo is declared dead after that many missed probes)"),
        ("Cluster:LeaseDuration", "remove it: Orleans keeps each camera on one silo, and every activation of a camera takes a new fencing epoch from its grain state"),
    ];

    /// <summary>Throws naming every retired key that is set, with its replacement.</summary>
    public static void ThrowIfSet(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var found = new List<string>();
        foreach (var (key, replacement) in Retired)
        {
            if (configuration[key] is not null)
            {
                found.Add($"{key} is no longer used; {replacement}.");
            }
        }

        if (found.Count > 0)
        {
            throw new InvalidOperationException("Retired settings are set: " + string.Join(" ", found));
        }
    }
}
