namespace VideoAnalytics.Silo.Cluster;

/// <summary>Where the shared state lives: this process only, or a Redis every silo and gateway uses.</summary>
public enum ClusterProvider
{
    InMemory,
    Redis,
}
