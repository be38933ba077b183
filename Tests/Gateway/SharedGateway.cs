namespace VideoAnalytics.Tests.Gateway;

/// <summary>The contract test classes share one gateway process (starting one costs seconds on a busy machine).</summary>
[CollectionDefinition(Name)]
public sealed class SharedGateway : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
