namespace VideoAnalytics.Contracts.Detections;

/// <summary>Milliseconds spent waiting for a batch, in the model, and from capture to publication.</summary>
[GenerateSerializer, Immutable]
public sealed record FrameLatency(double Queue, double Inference, double Total);
