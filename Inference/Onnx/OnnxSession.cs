using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VideoAnalytics.Inference.Onnx;

/// <summary>
/// An ONNX Runtime inference session (ORT's own .NET binding) over one model file: its inputs, outputs and custom
/// metadata, and runs through <see cref="SessionBinding"/>s over <see cref="PinnedTensor"/>s. ORT allows concurrent
/// runs on one session; a binding and its tensors must not be shared between concurrent runs.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;

    // Run options carry no per-run state we use (no tags, no termination), so one instance serves every run and a
    // run allocates nothing managed.
    private readonly RunOptions _runOptions = new();
    private bool _disposed;

    private OnnxSession(string path, InferenceSession session, ExecutionDevice device)
    {
        ModelPath = path;
        _session = session;
        Device = device;
        Inputs = Describe(session.InputNames, session.InputMetadata);
        Outputs = Describe(session.OutputNames, session.OutputMetadata);
        Metadata = new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
    }

    public string ModelPath { get; }

    public ExecutionDevice Device { get; }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>The model's <c>metadata_props</c> (custom metadata map).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The version of the ONNX Runtime native library in use, e.g. "1.31.1".</summary>
    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    /// <summary>
    /// Loads <paramref name="path"/>. Throws <see cref="FileNotFoundException"/> for a missing file,
    /// <see cref="InvalidDataException"/> naming the file when ORT cannot read it as a model, and
    /// <see cref="ExecutionProviderUnavailableException"/> naming what is missing when a CUDA device was asked for
    /// and cannot be used.
    /// </summary>
    public static OnnxSession Load(string path, SessionSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        settings ??= new SessionSettings();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model file not found: {path}", path);
        }

        using var options = CreateOptions(settings);
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e) when (settings.Device.IsCuda && MentionsCuda(e.Message))
        {
            // The provider was appended, but the device could not be opened (no GPU, cuDNN missing at first use).
            throw CudaHost.Unavailable(settings.Device, e);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: ONNX Runtime cannot load this file as a model: {e.Message}", e);
        }

        return new OnnxSession(path, session, settings.Device);
    }

    /// <summary>
    /// Binds <paramref name="inputs"/> (in <see cref="Inputs"/> order) and <paramref name="outputs"/> (in
    /// <see cref="Outputs"/> order) once: every later <see cref="SessionBinding.Run"/> reads and writes those tensors in
    /// place. Their shapes must be exactly what the model takes and produces. The caller owns the tensors and the
    /// binding, and keeps the tensors alive while the binding is used.
    /// </summary>
    public SessionBinding Bind(ReadOnlySpan<PinnedTensor> inputs, ReadOnlySpan<PinnedTensor> outputs)
    {
        CheckCount(outputs.Length, Outputs.Count, "outputs");
        var binding = BindInputs(inputs);
        for (var i = 0; i < outputs.Length; i++)
        {
            binding.BindOutput(Outputs[i].Name, outputs[i].Value);
        }

        return new SessionBinding(this, binding, dynamicOutput: null);
    }

    /// <summary>
    /// Binds <paramref name="inputs"/> and only output <paramref name="outputIndex"/>, whose size is not known in
    /// advance (a fused model's detections): ORT allocates it per run, and
    /// <see cref="SessionBinding.RunAndCopyOutput"/> copies it out.
    /// </summary>
    public SessionBinding BindDynamic(ReadOnlySpan<PinnedTensor> inputs, int outputIndex)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)outputIndex, (uint)Outputs.Count, nameof(outputIndex));
        return new SessionBinding(this, BindInputs(inputs), Outputs[outputIndex]);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _runOptions.Dispose();
        _session.Dispose();
    }

    internal void Run(OrtIoBinding binding)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _session.RunWithBinding(_runOptions, binding);
    }

    private OrtIoBinding BindInputs(ReadOnlySpan<PinnedTensor> inputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckCount(inputs.Length, Inputs.Count, "inputs");
        var binding = _session.CreateIoBinding();
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                binding.BindInput(Inputs[i].Name, inputs[i].Value);
            }
        }
        catch
        {
            binding.Dispose();
            throw;
        }

        return binding;
    }

    private static SessionOptions CreateOptions(SessionSettings settings)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = settings.OptimizationLevel,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogId = "videoanalytics",
        };
        try
        {
            if (settings.IntraOpThreads > 0)
            {
                options.IntraOpNumThreads = settings.IntraOpThreads;
            }

            if (settings.InterOpThreads > 0)
            {
                options.InterOpNumThreads = settings.InterOpThreads;
            }

            if (settings.Device.IsCuda)
            {
                AppendCuda(options, settings);
            }
        }
        catch
        {
            options.Dispose();
            throw;
        }

        return options;
    }

    private static void AppendCuda(SessionOptions options, SessionSettings settings)
    {
        var providerOptions = settings.Cuda.ToProviderOptions(settings.Device.DeviceId);
        CudaHost.EnsureUsable(settings.Device);
        try
        {
            // Without the CUDA runtime this throws "Failed to load shared library" within milliseconds; with the CPU
            // package it throws because the provider is not built in.
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(providerOptions);
            options.AppendExecutionProvider_CUDA(cuda);
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw CudaHost.Unavailable(settings.Device, e);
        }
    }

    private static bool MentionsCuda(string message) =>
        message.Contains("cuda", StringComparison.OrdinalIgnoreCase)
        || message.Contains("cudnn", StringComparison.OrdinalIgnoreCase)
        || message.Contains("cublas", StringComparison.OrdinalIgnoreCase);

    private static List<TensorInfo> Describe(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var infos = new List<TensorInfo>(names.Count);
        foreach (var name in names)
        {
            var node = metadata[name];

            // A non-tensor input or output (sequence, map) has no element type; `default` marks it, and every caller
            // refuses it because it asks for Float.
            var type = node.IsTensor ? node.ElementDataType : default(TensorElementType);
            var shape = new long[node.Dimensions.Length];
            for (var i = 0; i < shape.Length; i++)
            {
                shape[i] = node.Dimensions[i];
            }

            infos.Add(new TensorInfo(name, type, shape));
        }

        return infos;
    }

    private static void CheckCount(int given, int expected, string what)
    {
        if (given != expected)
        {
            throw new ArgumentException($"the model has {expected} {what}, {given} given");
        }
    }
}
