using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference.Native.Ort;

/// <summary>
/// An ONNX Runtime inference session over one model file: its inputs, outputs and custom metadata, and
/// runs over <see cref="PinnedTensor"/>s. ORT allows concurrent runs on one session; the tensors passed in
/// must not be shared between concurrent calls.
/// </summary>
public sealed unsafe class OrtSession : IDisposable
{
    private readonly OrtSessionHandle _session;
    private readonly nint[] _inputNames;   // UTF-8, owned by this session, freed in Dispose
    private readonly nint[] _outputNames;
    private bool _disposed;

    private OrtSession(string path, OrtSessionHandle session, ExecutionDevice device)
    {
        ModelPath = path;
        _session = session;
        Device = device;
        Inputs = ReadInfos(input: true);
        Outputs = ReadInfos(input: false);
        _inputNames = ToNative(Inputs);
        _outputNames = ToNative(Outputs);
        Metadata = ReadMetadata();
    }

    public string ModelPath { get; }

    public ExecutionDevice Device { get; }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>The model's <c>metadata_props</c> (custom metadata map).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The ONNX Runtime version of the loaded native library.</summary>
    public static string RuntimeVersion => OrtApi.Instance.Version;

    /// <summary>
    /// Loads <paramref name="path"/>. Throws <see cref="FileNotFoundException"/> for a missing file,
    /// <see cref="InvalidDataException"/> naming the file when ORT cannot read it as a model, and
    /// <see cref="ExecutionProviderUnavailableException"/> when a CUDA device was asked for but ORT's CUDA
    /// provider cannot be loaded.
    /// </summary>
    public static OrtSession Load(string path, SessionSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        settings ??= new SessionSettings();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model file not found: {path}", path);
        }

        var api = OrtApi.Instance;
        var env = OrtEnvironment.Env;
        using var options = CreateOptions(api, settings);
        var utf8Path = Marshal.StringToCoTaskMemUTF8(path);
        var session = new OrtSessionHandle();
        try
        {
            nint sessionPtr;
            api.Check(api.CreateSession(env.DangerousGetHandle(), (byte*)utf8Path, options.DangerousGetHandle(), &sessionPtr));
            Marshal.InitHandle(session, sessionPtr);
        }
        catch (OrtException e) when (e.Code is OrtErrorCode.InvalidProtobuf or OrtErrorCode.InvalidGraph or OrtErrorCode.Fail or OrtErrorCode.NoModel or OrtErrorCode.InvalidArgument or OrtErrorCode.NotImplemented)
        {
            session.Dispose();
            throw new InvalidDataException($"{path}: ONNX Runtime cannot load this file as a model: {e.OrtMessage}", e);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        finally
        {
            Marshal.FreeCoTaskMem(utf8Path);
        }

        return new OrtSession(path, session, settings.Device);
    }

    /// <summary>
    /// Runs the model. <paramref name="inputs"/> follow <see cref="Inputs"/> order and
    /// <paramref name="outputs"/> follow <see cref="Outputs"/> order; ORT writes the results straight into
    /// the output tensors, so their shapes must be exactly what the model produces for these inputs.
    /// </summary>
    public void Run(ReadOnlySpan<PinnedTensor> inputs, ReadOnlySpan<PinnedTensor> outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckCount(inputs.Length, Inputs.Count, "inputs");
        CheckCount(outputs.Length, Outputs.Count, "outputs");
        var inputValues = stackalloc nint[inputs.Length];
        var outputValues = stackalloc nint[outputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputValues[i] = inputs[i].ValuePointer;
        }

        for (var i = 0; i < outputs.Length; i++)
        {
            outputValues[i] = outputs[i].ValuePointer;
        }

        RunCore(inputValues, inputs.Length, outputValues, outputs.Length, firstOutput: 0);
        GC.KeepAlive(this);
    }

    /// <summary>
    /// Runs the model computing only output <paramref name="outputIndex"/>, whose size is not known in
    /// advance (a fused model's detections). The values are copied into <paramref name="buffer"/>, which is
    /// replaced by a larger array only when too small, and the output's shape is written to
    /// <paramref name="shape"/>. Returns the number of elements.
    /// </summary>
    public int RunDynamic(ReadOnlySpan<PinnedTensor> inputs, int outputIndex, ref float[] buffer, Span<long> shape, out int rank)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(buffer);
        CheckCount(inputs.Length, Inputs.Count, "inputs");
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)outputIndex, (uint)Outputs.Count, nameof(outputIndex));
        var inputValues = stackalloc nint[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputValues[i] = inputs[i].ValuePointer;
        }

        nint output = 0;
        RunCore(inputValues, inputs.Length, &output, 1, outputIndex);
        var api = OrtApi.Instance;
        nint info = 0;
        try
        {
            api.Check(api.GetTensorTypeAndShape(output, &info));
            int elementType;
            api.Check(api.GetTensorElementType(info, &elementType));
            if (elementType != (int)TensorElementType.Float)
            {
                throw new InvalidDataException($"{ModelPath}: output '{Outputs[outputIndex].Name}' is {(TensorElementType)elementType}, expected Float");
            }

            nuint dims;
            api.Check(api.GetDimensionsCount(info, &dims));
            rank = (int)dims;
            if (rank > shape.Length)
            {
                throw new InvalidDataException($"{ModelPath}: output '{Outputs[outputIndex].Name}' has rank {rank}, more than {shape.Length}");
            }

            long count = 1;
            fixed (long* s = shape)
            {
                api.Check(api.GetDimensions(info, s, dims));
            }

            for (var i = 0; i < rank; i++)
            {
                count *= shape[i];
            }

            if (count > buffer.Length)
            {
                buffer = new float[Math.Max(count, buffer.Length * 2L)];
            }

            void* data;
            api.Check(api.GetTensorMutableData(output, &data));
            new ReadOnlySpan<float>(data, (int)count).CopyTo(buffer);
            return (int)count;
        }
        finally
        {
            if (info != 0)
            {
                api.ReleaseTensorTypeAndShapeInfo(info);
            }

            api.ReleaseValue(output);
            GC.KeepAlive(this);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _session.Dispose();
        foreach (var name in _inputNames)
        {
            Marshal.FreeCoTaskMem(name);
        }

        foreach (var name in _outputNames)
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    private void RunCore(nint* inputValues, int inputCount, nint* outputValues, int outputCount, int firstOutput)
    {
        var api = OrtApi.Instance;
        fixed (nint* inputNames = _inputNames)
        fixed (nint* outputNames = _outputNames)
        {
            api.Check(api.Run(
                _session.DangerousGetHandle(),
                0,
                inputNames,
                inputValues,
                (nuint)inputCount,
                outputNames + firstOutput,
                (nuint)outputCount,
                outputValues));
        }
    }

    private static OrtSessionOptionsHandle CreateOptions(OrtApi api, SessionSettings settings)
    {
        var options = new OrtSessionOptionsHandle();
        nint optionsPtr;
        api.Check(api.CreateSessionOptions(&optionsPtr));
        Marshal.InitHandle(options, optionsPtr);
        try
        {
            api.Check(api.SetSessionGraphOptimizationLevel(optionsPtr, (int)settings.OptimizationLevel));
            if (settings.IntraOpThreads > 0)
            {
                api.Check(api.SetIntraOpNumThreads(optionsPtr, settings.IntraOpThreads));
            }

            if (settings.InterOpThreads > 0)
            {
                api.Check(api.SetInterOpNumThreads(optionsPtr, settings.InterOpThreads));
            }

            if (settings.Device.IsCuda)
            {
                AppendCuda(api, optionsPtr, settings.Device.DeviceId);
            }
        }
        catch
        {
            options.Dispose();
            throw;
        }

        return options;
    }

    private static void AppendCuda(OrtApi api, nint options, int deviceId)
    {
        nint cuda = 0;
        var key = Marshal.StringToCoTaskMemUTF8("device_id");
        var value = Marshal.StringToCoTaskMemUTF8(deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            api.Check(api.CreateCudaProviderOptions(&cuda));
            var keys = stackalloc byte*[1] { (byte*)key };
            var values = stackalloc byte*[1] { (byte*)value };
            api.Check(api.UpdateCudaProviderOptions(cuda, keys, values, 1));
            api.Check(api.SessionOptionsAppendExecutionProviderCudaV2(options, cuda));
        }
        catch (OrtException e)
        {
            var where = OrtLibrary.Directory ?? "the ONNX Runtime library's folder";
            throw new ExecutionProviderUnavailableException(
                $"CUDA device {deviceId} requested, but ONNX Runtime ({OrtLibrary.LoadedFrom}) cannot use its CUDA provider. " +
                $"It needs {string.Join(" and ", ExecutionProviderUnavailableException.CudaLibraries)} (from an ONNX Runtime 1.30 GPU release, " +
                $"with CUDA and cuDNN installed) beside it in {where}, or {OrtLibrary.EnvironmentVariable} pointing at such a build. ORT said: {e.OrtMessage}",
                e);
        }
        finally
        {
            if (cuda != 0)
            {
                api.ReleaseCudaProviderOptions(cuda);
            }

            Marshal.FreeCoTaskMem(key);
            Marshal.FreeCoTaskMem(value);
        }
    }

    private List<TensorInfo> ReadInfos(bool input)
    {
        var api = OrtApi.Instance;
        var session = _session.DangerousGetHandle();
        nuint count;
        api.Check(input ? api.SessionGetInputCount(session, &count) : api.SessionGetOutputCount(session, &count));
        nint allocator;
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator));
        var infos = new List<TensorInfo>((int)count);
        for (nuint i = 0; i < count; i++)
        {
            byte* name;
            api.Check(input ? api.SessionGetInputName(session, i, allocator, &name) : api.SessionGetOutputName(session, i, allocator, &name));
            var managedName = Marshal.PtrToStringUTF8((nint)name) ?? string.Empty;
            api.Free(name);
            nint typeInfo;
            api.Check(input ? api.SessionGetInputTypeInfo(session, i, &typeInfo) : api.SessionGetOutputTypeInfo(session, i, &typeInfo));
            try
            {
                nint tensorInfo; // owned by typeInfo: not released separately
                api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
                if (tensorInfo == 0)
                {
                    infos.Add(new TensorInfo(managedName, TensorElementType.Undefined, []));
                    continue;
                }

                int elementType;
                api.Check(api.GetTensorElementType(tensorInfo, &elementType));
                nuint dims;
                api.Check(api.GetDimensionsCount(tensorInfo, &dims));
                var shape = new long[(int)dims];
                fixed (long* s = shape)
                {
                    api.Check(api.GetDimensions(tensorInfo, s, dims));
                }

                infos.Add(new TensorInfo(managedName, (TensorElementType)elementType, shape));
            }
            finally
            {
                api.ReleaseTypeInfo(typeInfo);
            }
        }

        return infos;
    }

    private Dictionary<string, string> ReadMetadata()
    {
        var api = OrtApi.Instance;
        nint metadata;
        api.Check(api.SessionGetModelMetadata(_session.DangerousGetHandle(), &metadata));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            nint allocator;
            api.Check(api.GetAllocatorWithDefaultOptions(&allocator));
            byte** keys = null;
            long keyCount = 0;
            api.Check(api.ModelMetadataGetCustomMetadataMapKeys(metadata, allocator, &keys, &keyCount));
            try
            {
                for (long i = 0; i < keyCount; i++)
                {
                    byte* value = null;
                    api.Check(api.ModelMetadataLookupCustomMetadataMap(metadata, allocator, keys[i], &value));
                    result[Marshal.PtrToStringUTF8((nint)keys[i]) ?? string.Empty] = Marshal.PtrToStringUTF8((nint)value) ?? string.Empty;
                    api.Free(value);
                }
            }
            finally
            {
                for (long i = 0; i < keyCount; i++)
                {
                    api.Free(keys[i]);
                }

                api.Free(keys);
            }
        }
        finally
        {
            api.ReleaseModelMetadata(metadata);
        }

        return result;
    }

    private static nint[] ToNative(IReadOnlyList<TensorInfo> infos)
    {
        var names = new nint[infos.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = Marshal.StringToCoTaskMemUTF8(infos[i].Name);
        }

        return names;
    }

    private static void CheckCount(int given, int expected, string what)
    {
        if (given != expected)
        {
            throw new ArgumentException($"the model has {expected} {what}, {given} given");
        }
    }
}
