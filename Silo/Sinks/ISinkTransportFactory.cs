using VideoAnalytics.Contracts.Sinks;

namespace VideoAnalytics.Silo.Sinks;

/// <summary>
/// Makes the transport a sink sends through, from its spec (secret references resolved here). Registered in DI, so a
/// test can put a transport of its own behind a sink.
/// </summary>
public interface ISinkTransportFactory
{
    /// <summary>
    /// The transport of <paramref name="spec"/>. Throws <see cref="SinkConfigurationException"/> when the spec cannot
    /// work (an unresolvable secret, a transport kind this build lacks): the sink is then <c>failed</c> until edited.
    /// </summary>
    ISinkTransport Create(SinkSpec spec);
}
