using Microsoft.Extensions.Configuration;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// This silo's name in status, logs, Orleans membership and placement: <c>Silo:Name</c>, else host-pid. Placement
/// hashes names, so a silo restarted under the same name gets the same cameras back.
/// </summary>
public sealed record SiloIdentity(string Name)
{
    public static SiloIdentity From(IConfiguration configuration) =>
        new(configuration["Silo:Name"] is { Length: > 0 } name ? name : $"{Environment.MachineName}-{Environment.ProcessId}");
}
