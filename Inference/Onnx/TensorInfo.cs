using Microsoft.ML.OnnxRuntime.Tensors;

namespace VideoAnalytics.Inference.Onnx;

/// <summary>A model input or output: name, element type and shape (-1 marks a dynamic dimension).</summary>
public sealed record TensorInfo(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape)
{
    public override string ToString() => $"{Name} {ElementType} [{string.Join(",", Shape)}]";
}
