namespace VideoAnalytics.Tests.Silo.Cameras;

/// <summary>
/// Camera grain tests run one after another: they measure frame rates, and FFmpeg opens are serialised process-wide,
/// so a test stalling an open must not starve another test's cameras.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CameraTestGroup : ICollectionFixture<CameraMediaFixture>
{
    public const string Name = "Camera grains";
}
