namespace VideoAnalytics.Inference.Onnx;

/// <summary>ORT's <c>arena_extend_strategy</c> for the CUDA provider.</summary>
public enum CudaArenaExtendStrategy
{
    NextPowerOfTwo,
    SameAsRequested,
}
