namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// The Redis key and channel names. Per-camera keys carry the camera id as a hash tag (<c>{cam}</c>) so a camera's
/// lease, epoch, fence and stream share one Redis Cluster slot and one Lua script may touch them all.
/// </summary>
public sealed class ClusterKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>Hash: camera id → CameraSpec JSON.</summary>
    public string Cameras => Prefix + "cameras";

    /// <summary>Channel: a camera id whose spec changed.</summary>
    public string CamerasChanged => Prefix + "cameras:changed";

    /// <summary>Hash: camera id → CameraStatus JSON.</summary>
    public string Status => Prefix + "status";

    /// <summary>Sorted set: silo name scored by the Redis time (ms) its membership expires.</summary>
    public string Silos => Prefix + "silos";

    /// <summary>Hash: silo name → placement weight.</summary>
    public string SiloCapacity => Prefix + "silos:capacity";

    /// <summary>Channel: a silo joined or left (its name).</summary>
    public string SilosChanged => Prefix + "silos:changed";

    /// <summary>Channel: a camera whose lease was given back (its id), so its next owner takes it at once.</summary>
    public string LeaseReleased => Prefix + "lease:released";

    /// <summary>Set: camera ids that have a detection stream.</summary>
    public string Streams => Prefix + "streams";

    /// <summary>String: holder of the camera's lease (<c>silo#epoch</c>), with a TTL.</summary>
    public string Lease(string camera) => $"{Prefix}{{{camera}}}:lease";

    /// <summary>Counter: the camera's fencing epoch, incremented by every lease acquisition; never deleted.</summary>
    public string Epoch(string camera) => $"{Prefix}{{{camera}}}:epoch";

    /// <summary>String: the newest epoch the camera's stream accepted a frame from.</summary>
    public string Fence(string camera) => $"{Prefix}{{{camera}}}:fence";

    /// <summary>Redis Stream of the camera's DetectionFrames.</summary>
    public string Stream(string camera) => $"{Prefix}{{{camera}}}:stream";

    /// <summary>Channel: a new entry on the camera's stream (payload: its id).</summary>
    public string Appended(string camera) => $"{Prefix}appended:{camera}";

    /// <summary>Pattern matching every <see cref="Appended"/> channel.</summary>
    public string AppendedPattern => Prefix + "appended:*";

    public string CameraOfAppended(string channel) => channel[(Prefix.Length + "appended:".Length)..];
}
