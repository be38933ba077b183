using Microsoft.ML.OnnxRuntime;

namespace VideoAnalytics.Inference.Onnx;

/// <summary>How an ONNX Runtime session is set up. Zero threads means ORT's own default.</summary>
public sealed record SessionSettings
{
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;

    public int IntraOpThreads { get; init; }

    public int InterOpThreads { get; init; }

    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>CUDA provider settings, used when <see cref="Device"/> is a CUDA device.</summary>
    public CudaSettings Cuda { get; init; } = new();
}
