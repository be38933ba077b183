using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>The in-process Redis tests share one redis-server; each test uses its own key prefix.</summary>
[CollectionDefinition(Name)]
public sealed class RedisTestGroup : ICollectionFixture<RedisServer>
{
    public const string Name = "Redis";
}
