using System.ComponentModel.DataAnnotations;

namespace VideoAnalytics.Silo.Streams;

/// <summary>Configuration section <c>Streams</c>.</summary>
public sealed class StreamOptions
{
    public const string Section = "Streams";

    /// <summary>Frames kept per camera in memory (no data directory) and in Redis (a cluster); older ones fall off.</summary>
    [Range(10, 10_000_000)]
    public int HistoryPerCamera { get; set; } = 10_000;

    /// <summary>How long the detection history keeps frames: the all-in-one service's <c>data/detections.db</c>, and Redis in a cluster.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The embedded history's cap per camera, whatever their age (a day at 10 fps is 864,000 frames).</summary>
    [Range(10, 100_000_000)]
    public int EmbeddedHistoryCap { get; set; } = 1_000_000;

    /// <summary>Redis Streams the live detection streams are hashed onto in a cluster (each read by one silo at a time); one process uses one in-memory queue.</summary>
    [Range(1, 256)]
    public int LiveQueues { get; set; } = 8;

    /// <summary>Entries a live queue keeps (about; Redis trims whole blocks). Live frames only: history keeps the rest.</summary>
    [Range(100, 10_000_000)]
    public int LiveQueueLength { get; set; } = 10_000;

    /// <summary>Events a silo holds per live queue for its subscribers (Orleans' simple queue cache).</summary>
    [Range(64, 1_000_000)]
    public int LiveQueueCache { get; set; } = 4096;
}
