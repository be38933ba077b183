namespace VideoAnalytics.Silo.Sinks;

/// <summary>What a sink keeps in grain storage: per camera, the last stream position it delivered.</summary>
[GenerateSerializer]
public sealed class SinkGrainState
{
    [Id(0)]
    public Dictionary<string, string> Checkpoints { get; set; } = new(StringComparer.Ordinal);
}
