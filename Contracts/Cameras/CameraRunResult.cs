namespace VideoAnalytics.Contracts.Cameras;

/// <summary>What <see cref="ICameraGrain.RunAsync"/> did.</summary>
[GenerateSerializer]
public enum CameraRunResult
{
    /// <summary>The camera runs (or, when its model cannot be loaded, has failed with the reason) on the answering silo.</summary>
    Running,

    /// <summary>Placement wants the camera elsewhere: the activation stopped; call again to start it there.</summary>
    Moving,
}
