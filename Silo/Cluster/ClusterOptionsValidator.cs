using System.Net;
using Microsoft.Extensions.Options;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// Checks <see cref="ClusterOptions"/> as a whole; messages name the key (<c>Cluster:ProbeTimeout</c>) so a bad
/// setting stops the process at start with the reason.
/// </summary>
public sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    private static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Maximum = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = OptionsAnnotations.Failures(options, ClusterOptions.Section);

        if (options.Provider == ClusterProvider.Redis && string.IsNullOrWhiteSpace(options.Redis))
        {
            failures.Add($"{ClusterOptions.Section}:{nameof(ClusterOptions.Redis)} is required when {ClusterOptions.Section}:{nameof(ClusterOptions.Provider)} is Redis (e.g. 127.0.0.1:6379).");
        }

        if (!string.IsNullOrEmpty(options.AdvertisedAddress) && !IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            failures.Add($"{ClusterOptions.Section}:{nameof(ClusterOptions.AdvertisedAddress)} ('{options.AdvertisedAddress}') must be an IP address.");
        }

        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add($"{ClusterOptions.Section}:{nameof(ClusterOptions.SiloPort)} and {ClusterOptions.Section}:{nameof(ClusterOptions.GatewayPort)} must differ (both {options.SiloPort}).");
        }

        CheckRange(failures, nameof(ClusterOptions.ProbeTimeout), options.ProbeTimeout);
        CheckRange(failures, nameof(ClusterOptions.TableRefreshTimeout), options.TableRefreshTimeout);
        CheckRange(failures, nameof(ClusterOptions.IAmAlivePublishTimeout), options.IAmAlivePublishTimeout);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRange(List<string> failures, string key, TimeSpan value)
    {
        if (value < Minimum || value > Maximum)
        {
            failures.Add($"{ClusterOptions.Section}:{key} ({value}) must lie between {Minimum.TotalMilliseconds} ms and {Maximum.TotalMinutes} minutes.");
        }
    }
}
