namespace VideoAnalytics.Contracts.Sinks;

/// <summary>
/// One event sink, keyed by its id: the grain owns the sink's delivery loop and keeps its checkpoint (the last position
/// delivered per camera) in grain storage. Silos' sink keepers call <see cref="RunAsync"/> for every enabled sink, so a
/// sink whose silo died is activated on a survivor and resumes from its checkpoint.
/// </summary>
public interface ISinkGrain : IGrainWithStringKey
{
    /// <summary>Runs the sink with <paramref name="spec"/>: starts its delivery, or restarts it when the spec changed. Idempotent.</summary>
    Task RunAsync(SinkSpec spec);

    /// <summary>Stops delivery (the sink was disabled), keeping its checkpoint.</summary>
    Task StopAsync();

    /// <summary>Stops delivery and forgets the checkpoint (the sink was deleted).</summary>
    Task RemoveAsync();

    Task<SinkStatus> GetStatusAsync();
}
