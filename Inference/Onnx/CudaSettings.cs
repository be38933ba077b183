using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace VideoAnalytics.Inference.Onnx;

/// <summary>
/// ONNX Runtime CUDA provider settings (configuration section <c>Inference:Cuda</c>). The device id comes from the
/// device name (<c>cuda:N</c>); these are the knobs that matter for a detector serving many cameras: how the memory
/// arena grows and how cuDNN picks convolution algorithms.
/// </summary>
public sealed class CudaSettings
{
    /// <summary>How the CUDA memory arena grows: by powers of two (ORT's default) or by what was asked.</summary>
    public CudaArenaExtendStrategy ArenaExtendStrategy { get; set; } = CudaArenaExtendStrategy.NextPowerOfTwo;

    /// <summary>Upper bound of the arena in bytes; 0 leaves it to ORT (no limit).</summary>
    [Range(0, long.MaxValue)]
    public long GpuMemoryLimitBytes { get; set; }

    /// <summary>
    /// How cuDNN chooses convolution algorithms. <c>Exhaustive</c> (ORT's default) benchmarks them once per input
    /// shape, which costs a slow first batch of every size; <c>Heuristic</c> avoids that.
    /// </summary>
    public CudnnConvolutionSearch CudnnConvAlgoSearch { get; set; } = CudnnConvolutionSearch.Exhaustive;

    /// <summary>Lets cuDNN use as much workspace as its fastest algorithm wants.</summary>
    public bool CudnnConvUseMaxWorkspace { get; set; } = true;

    /// <summary>The provider options for device <paramref name="deviceId"/>, keys as ORT's CUDA provider names them.</summary>
    public Dictionary<string, string> ToProviderOptions(int deviceId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(GpuMemoryLimitBytes, "Inference:Cuda:GpuMemoryLimitBytes");
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["device_id"] = deviceId.ToString(CultureInfo.InvariantCulture),
            ["arena_extend_strategy"] = ArenaExtendStrategy == CudaArenaExtendStrategy.NextPowerOfTwo ? "kNextPowerOfTwo" : "kSameAsRequested",
            ["cudnn_conv_algo_search"] = CudnnConvAlgoSearch.ToString().ToUpperInvariant(),
            ["cudnn_conv_use_max_workspace"] = CudnnConvUseMaxWorkspace ? "1" : "0",
        };
        if (GpuMemoryLimitBytes > 0)
        {
            options["gpu_mem_limit"] = GpuMemoryLimitBytes.ToString(CultureInfo.InvariantCulture);
        }

        return options;
    }
}
