namespace VideoAnalytics.Contracts.Detections;

/// <summary>One object found in a frame.</summary>
[GenerateSerializer, Immutable]
public sealed record DetectedObject(int ClassId, string Label, float Score, BoundingBox Box);
