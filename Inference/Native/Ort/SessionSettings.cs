namespace VideoAnalytics.Inference.Native.Ort;

/// <summary>How an ONNX Runtime session is set up. Zero threads means ORT's own default.</summary>
public sealed record SessionSettings
{
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;

    public int IntraOpThreads { get; init; }

    public int InterOpThreads { get; init; }

    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.All;
}
