using VideoAnalytics.Silo.Cluster;

namespace VideoAnalytics.Tests.Silo.Cluster;

public sealed class ClusterOptionsValidatorTests
{
    private static IEnumerable<string> Failures(ClusterOptions options) =>
        new ClusterOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void The_defaults_are_valid_in_memory()
    {
        Assert.Empty(Failures(new ClusterOptions()));
    }

    [Fact]
    public void Redis_without_an_address_is_refused_naming_the_key()
    {
        Assert.Contains(Failures(new ClusterOptions { Provider = ClusterProvider.Redis }), f => f.Contains("Cluster:Redis", StringComparison.Ordinal));
        Assert.Empty(Failures(new ClusterOptions { Provider = ClusterProvider.Redis, Redis = "127.0.0.1:6379" }));
    }

    [Fact]
    public void A_silo_timeout_shorter_than_two_heartbeats_is_refused()
    {
        var options = new ClusterOptions { HeartbeatInterval = TimeSpan.FromSeconds(4), SiloTimeout = TimeSpan.FromSeconds(6) };
        Assert.Contains(Failures(options), f => f.Contains("Cluster:SiloTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_capacity_and_prefix_are_refused_naming_the_key()
    {
        var failures = Failures(new ClusterOptions { Capacity = 0, KeyPrefix = "has space" }).ToList();
        Assert.Contains(failures, f => f.Contains("Cluster:Capacity", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Cluster:KeyPrefix", StringComparison.Ordinal));
    }
}
