namespace VideoAnalytics.Tests.EndToEnd;

/// <summary>
/// Tests that load the machine on purpose and measure the service under that load (latency percentiles, the test
/// process's RSS): they run alone, after the parallel collections, so that other tests neither add to what they
/// measure nor starve the pipeline of CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoloTestGroup
{
    public const string Name = "Alone";
}
