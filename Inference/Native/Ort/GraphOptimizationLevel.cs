namespace VideoAnalytics.Inference.Native.Ort;

/// <summary>ONNX Runtime graph optimization levels, values as in onnxruntime_c_api.h.</summary>
public enum GraphOptimizationLevel
{
    DisableAll = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}
