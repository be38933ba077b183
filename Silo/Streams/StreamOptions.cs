using System.ComponentModel.DataAnnotations;

namespace VideoAnalytics.Silo.Streams;

/// <summary>Configuration section <c>Streams</c>.</summary>
public sealed class StreamOptions
{
    public const string Section = "Streams";

    /// <summary>Frames kept per camera for replay and history; older ones fall off.</summary>
    [Range(10, 10_000_000)]
    public int HistoryPerCamera { get; set; } = 10_000;
}
