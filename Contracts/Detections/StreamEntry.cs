namespace VideoAnalytics.Contracts.Detections;

/// <summary>A frame together with its position in the camera's detection stream.</summary>
public sealed record StreamEntry(string Position, DetectionFrame Frame);
