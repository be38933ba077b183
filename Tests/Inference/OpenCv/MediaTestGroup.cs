namespace VideoAnalytics.Tests.Inference.OpenCv;

/// <summary>The xunit collection whose tests share one <see cref="MediaFixture"/> (clips are made once).</summary>
[CollectionDefinition(Name)]
public sealed class MediaTestGroup : ICollectionFixture<MediaFixture>
{
    public const string Name = "OpenCv media";
}
