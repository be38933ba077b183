using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>Checks <see cref="SinkOptions"/>: the ranges, and that the backoff does not start above its cap. Messages
/// name the configuration key (<c>Sinks:RetryMaxDelay</c>).</summary>
public sealed class SinkOptionsValidator : IValidateOptions<SinkOptions>
{
    public ValidateOptionsResult Validate(string? name, SinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{string.Join(", ", r.MemberNames.Select(m => $"{SinkOptions.SectionName}:{m}"))}: {r.ErrorMessage}"));
        }

        if (options.RetryInitialDelay > options.RetryMaxDelay)
        {
            failures.Add($"{SinkOptions.SectionName}:{nameof(SinkOptions.RetryInitialDelay)} ({options.RetryInitialDelay}) must not exceed "
                + $"{SinkOptions.SectionName}:{nameof(SinkOptions.RetryMaxDelay)} ({options.RetryMaxDelay}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
