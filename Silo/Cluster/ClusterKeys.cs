namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// The Redis key and channel names of our own data (Orleans keeps membership, grain directory, grain state and
/// reminders under keys of its own). Per-camera keys carry the camera id as a hash tag (<c>{cam}</c>) so a camera's
/// fence and stream share one Redis Cluster slot and one Lua script may touch both.
/// </summary>
public sealed class ClusterKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>Hash: camera id → CameraSpec JSON.</summary>
    public string Cameras => Prefix + "cameras";

    /// <summary>Channel: a camera id whose spec changed.</summary>
    public string CamerasChanged => Prefix + "cameras:changed";

    /// <summary>Hash: sink id → SinkSpec JSON.</summary>
    public string Sinks => Prefix + "sinks";

    /// <summary>Channel: a sink id whose spec changed.</summary>
    public string SinksChanged => Prefix + "sinks:changed";

    /// <summary>Hash: camera id → CameraStatus JSON.</summary>
    public string Status => Prefix + "status";

    /// <summary>Set: camera ids that have a detection stream.</summary>
    public string Streams => Prefix + "streams";

    /// <summary>String: the newest epoch the camera's stream accepted a frame from.</summary>
    public string Fence(string camera) => $"{Prefix}{{{camera}}}:fence";

    /// <summary>Redis Stream of the camera's DetectionFrames.</summary>
    public string Stream(string camera) => $"{Prefix}{{{camera}}}:stream";

    /// <summary>String: the number of the camera's newest stream entry (entries carry theirs in field <c>n</c>).</summary>
    public string Sequence(string camera) => $"{Prefix}{{{camera}}}:seq";

    /// <summary>Redis Stream of one queue of the live detection stream provider (Orleans streams hashed onto queues).</summary>
    public string LiveQueue(uint queue) => $"{Prefix}live:{queue}";
}
