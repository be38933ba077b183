using Microsoft.Extensions.Configuration;
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
    public void Membership_timings_out_of_range_are_refused_naming_the_key()
    {
        var failures = Failures(new ClusterOptions { ProbeTimeout = TimeSpan.FromMilliseconds(10), TableRefreshTimeout = TimeSpan.FromHours(1), MissedProbesLimit = 0 }).ToList();
        Assert.Contains(failures, f => f.Contains("Cluster:ProbeTimeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Cluster:TableRefreshTimeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Cluster:MissedProbesLimit", StringComparison.Ordinal));
    }

    [Fact]
    public void Equal_ports_and_a_non_address_are_refused()
    {
        var failures = Failures(new ClusterOptions { SiloPort = 4000, GatewayPort = 4000, AdvertisedAddress = "silo.example" }).ToList();
        Assert.Contains(failures, f => f.Contains("Cluster:SiloPort", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Cluster:AdvertisedAddress", StringComparison.Ordinal));
    }

    [Fact]
    public void A_retired_setting_stops_the_process_naming_its_replacement()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Cluster:SiloTimeout"] = "00:00:06", ["Cluster:LeaseDuration"] = "00:00:06" })
            .Build();
        var error = Assert.Throws<InvalidOperationException>(() => VideoAnalytics.Silo.Hosting.RetiredSettings.ThrowIfSet(configuration));
        Assert.Contains("Cluster:SiloTimeout is no longer used", error.Message, StringComparison.Ordinal);
        Assert.Contains("Cluster:MissedProbesLimit", error.Message, StringComparison.Ordinal);
        Assert.Contains("Cluster:LeaseDuration is no longer used", error.Message, StringComparison.Ordinal);
        VideoAnalytics.Silo.Hosting.RetiredSettings.ThrowIfSet(new ConfigurationBuilder().Build());
    }

    [Fact]
    public void Bad_capacity_and_prefix_are_refused_naming_the_key()
    {
        var failures = Failures(new ClusterOptions { Capacity = 0, KeyPrefix = "has space" }).ToList();
        Assert.Contains(failures, f => f.Contains("Cluster:Capacity", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Cluster:KeyPrefix", StringComparison.Ordinal));
    }
}
