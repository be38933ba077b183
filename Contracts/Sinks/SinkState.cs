namespace VideoAnalytics.Contracts.Sinks;

/// <summary>What a sink is doing now.</summary>
public enum SinkState
{
    /// <summary>Registered and enabled, but no silo has started its delivery yet.</summary>
    Starting,

    /// <summary>Delivering (or caught up and waiting for the next event).</summary>
    Delivering,

    /// <summary>The receiver refused or could not be reached; retrying with backoff from the checkpoint.</summary>
    Retrying,

    /// <summary>Its configuration cannot work (a transport that cannot be made); it waits for an edit.</summary>
    Failed,

    /// <summary>Switched off (<see cref="SinkSpec.Enabled"/> false); its checkpoint is kept.</summary>
    Disabled,
}
