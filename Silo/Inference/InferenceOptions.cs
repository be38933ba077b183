using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Inference.Tracking;

namespace VideoAnalytics.Silo.Inference;

/// <summary>Configuration section <c>Inference</c>: devices, batching and model location.</summary>
public sealed class InferenceOptions
{
    public const string Section = "Inference";

    /// <summary>
    /// One inference grain per entry: <c>cpu</c>, <c>cuda:0</c>, <c>cuda:1</c>, … (none: <c>cpu</c>). No default list
    /// here: the configuration binder appends the configured entries to it, which served a CPU grain beside every
    /// configured device (two CPU grains with the shipped appsettings).
    /// </summary>
    public List<string> Devices { get; set; } = [];

    /// <summary><see cref="Devices"/>, or <c>cpu</c> when none are configured.</summary>
    public IReadOnlyList<string> DevicesOrDefault => Devices.Count > 0 ? Devices : ["cpu"];

    /// <summary>When a CUDA device cannot be used (provider libraries missing), serve its cameras on the CPU instead of failing.</summary>
    public bool FallbackToCpu { get; set; } = true;

    /// <summary>A batch runs as soon as this many frames (one per camera) are ready…</summary>
    [Range(1, 64)]
    public int MaxBatch { get; set; } = 8;

    /// <summary>…or this long after the oldest ready frame arrived.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Frames older than this when a batch forms are dropped (reason <c>stale</c>) instead of analysed.</summary>
    public TimeSpan StalenessLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>ONNX Runtime intra-op threads per session; 0 lets ORT use every core.</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    /// <summary>CUDA provider settings (memory arena, cuDNN convolution search) for <c>cuda:N</c> devices.</summary>
    [ValidateObjectMembers]
    public CudaSettings Cuda { get; set; } = new();

    /// <summary>
    /// The thresholds of the object tracker every camera of this silo runs (<c>Inference:Tracking:HighScore</c>, …;
    /// defaults and meaning in Inference/Tracking/README.md). Checked at start, naming the key.
    /// </summary>
    public TrackerOptions Tracking { get; set; } = new();

    /// <summary>Folder of <c>&lt;name&gt;.onnx</c> models; cameras refer to models by file name without extension.</summary>
    [Required]
    public string ModelsDirectory { get; set; } = "models";

    /// <summary>
    /// The model <c>POST /api/detect</c> runs when the request names none (<c>?model=</c>). Cameras have their own
    /// default, <see cref="VideoAnalytics.Contracts.Cameras.CameraSpec.DefaultModel"/>, fixed in the contract.
    /// </summary>
    [Required]
    public string DefaultModel { get; set; } = DefaultModelName;

    /// <summary>
    /// Models loaded at start, besides <see cref="DefaultModel"/>, so the first frames don't wait for a session. No
    /// default list here: the configuration binder appends configured entries to a default one.
    /// </summary>
    public List<string> Preload { get; set; } = [];

    /// <summary>What is loaded at start: the default model, then each preload entry, each once.</summary>
    public IReadOnlyList<string> ModelsToPreload => [.. new[] { DefaultModel }.Concat(Preload).Distinct(StringComparer.Ordinal)];

    private const string DefaultModelName = "refinedet-lite-320";
}
