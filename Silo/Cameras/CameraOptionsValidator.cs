using Microsoft.Extensions.Options;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// Checks <see cref="CameraOptions"/> as a whole: the data annotations plus the rules that span keys. Messages name
/// the configuration key (<c>Cameras:ReconnectMaxDelay</c>) so a bad setting is found at once.
/// </summary>
public sealed class CameraOptionsValidator : IValidateOptions<CameraOptions>
{
    public ValidateOptionsResult Validate(string? name, CameraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = OptionsAnnotations.Failures(options, CameraOptions.SectionName);

        if (options.ReconnectInitialDelay > options.ReconnectMaxDelay)
        {
            failures.Add($"{CameraOptions.SectionName}:{nameof(CameraOptions.ReconnectInitialDelay)} ({options.ReconnectInitialDelay}) must not exceed "
                + $"{CameraOptions.SectionName}:{nameof(CameraOptions.ReconnectMaxDelay)} ({options.ReconnectMaxDelay}).");
        }

        for (var i = 0; i < options.MediaRoots.Count; i++)
        {
            var root = options.MediaRoots[i];
            if (string.IsNullOrWhiteSpace(root) || !Path.IsPathFullyQualified(root))
            {
                failures.Add($"{CameraOptions.SectionName}:{nameof(CameraOptions.MediaRoots)}:{i} must be an absolute folder path (was '{root}').");
            }
        }

        if (string.IsNullOrWhiteSpace(options.SecretsDirectory))
        {
            failures.Add($"{CameraOptions.SectionName}:{nameof(CameraOptions.SecretsDirectory)} must be a folder path (default {CameraSecretResolver.DefaultDirectory}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
