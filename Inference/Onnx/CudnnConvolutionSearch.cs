namespace VideoAnalytics.Inference.Onnx;

/// <summary>ORT's <c>cudnn_conv_algo_search</c>: how cuDNN convolution algorithms are chosen.</summary>
public enum CudnnConvolutionSearch
{
    Exhaustive,
    Heuristic,
    Default,
}
