using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// Checks <see cref="ClusterOptions"/> as a whole; messages name the key (<c>Cluster:SiloTimeout</c>) so a bad
/// setting stops the process at start with the reason.
/// </summary>
public sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    private static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(100);

    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                failures.Add($"{string.Join(", ", result.MemberNames.Select(m => $"{ClusterOptions.Section}:{m}"))}: {result.ErrorMessage}");
            }
        }

        if (options.Provider == ClusterProvider.Redis && string.IsNullOrWhiteSpace(options.Redis))
        {
            failures.Add($"{ClusterOptions.Section}:{nameof(ClusterOptions.Redis)} is required when {ClusterOptions.Section}:{nameof(ClusterOptions.Provider)} is Redis (e.g. 127.0.0.1:6379).");
        }

        CheckAtLeast(failures, nameof(ClusterOptions.HeartbeatInterval), options.HeartbeatInterval);
        CheckAtLeast(failures, nameof(ClusterOptions.SiloTimeout), options.SiloTimeout);
        CheckAtLeast(failures, nameof(ClusterOptions.LeaseDuration), options.LeaseDuration);

        // A silo must get at least two heartbeats in per timeout, or one late heartbeat declares a live silo dead.
        if (options.SiloTimeout < options.HeartbeatInterval * 2)
        {
            failures.Add($"{ClusterOptions.Section}:{nameof(ClusterOptions.SiloTimeout)} ({options.SiloTimeout}) must be at least twice "
                + $"{ClusterOptions.Section}:{nameof(ClusterOptions.HeartbeatInterval)} ({options.HeartbeatInterval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckAtLeast(List<string> failures, string key, TimeSpan value)
    {
        if (value < Minimum)
        {
            failures.Add($"{ClusterOptions.Section}:{key} ({value}) must be at least {Minimum.TotalMilliseconds} ms.");
        }
    }
}
