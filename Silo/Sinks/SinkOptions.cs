using System.ComponentModel.DataAnnotations;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// How sinks retry, poll and save their checkpoints (configuration section <c>Sinks</c>). Validated at start by
/// <see cref="SinkOptionsValidator"/>: a bad value stops the silo with a message naming the key.
/// </summary>
public sealed class SinkOptions
{
    public const string SectionName = "Sinks";

    /// <summary>Wait after a failed send; doubled per failure (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between sends to a receiver that keeps failing: how soon it is served after it recovers.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a sink polls the cameras' states and zone occupancy, follows the registry and measures its lag.
    /// A camera state that lasts less than this may not be sent.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a running sink saves its checkpoints: what a silo crash makes it send again, at most.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);
}
