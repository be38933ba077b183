namespace VideoAnalytics.Contracts.Detections;

/// <summary>Box corners in source-frame pixels.</summary>
[GenerateSerializer, Immutable]
public sealed record BoundingBox(float X1, float Y1, float X2, float Y2);
