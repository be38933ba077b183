using Microsoft.Extensions.Options;
using VideoAnalytics.Silo.Hosting;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>Checks <see cref="SinkOptions"/>: the ranges, and that the backoff does not start above its cap. Messages
/// name the configuration key (<c>Sinks:RetryMaxDelay</c>).</summary>
public sealed class SinkOptionsValidator : IValidateOptions<SinkOptions>
{
    public ValidateOptionsResult Validate(string? name, SinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = OptionsAnnotations.Failures(options, SinkOptions.SectionName);

        if (options.RetryInitialDelay > options.RetryMaxDelay)
        {
            failures.Add($"{SinkOptions.SectionName}:{nameof(SinkOptions.RetryInitialDelay)} ({options.RetryInitialDelay}) must not exceed "
                + $"{SinkOptions.SectionName}:{nameof(SinkOptions.RetryMaxDelay)} ({options.RetryMaxDelay}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
