using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference.Native.Ort;

/// <summary>
/// Our view of ONNX Runtime's C API. The only imported symbol is <c>OrtGetApiBase</c>; every other function
/// is read from the <c>OrtApi</c> function-pointer table, whose slots are append-only in declaration order
/// (onnxruntime_c_api.h), so a slot index is stable across releases. We ask for the oldest API version that
/// has every slot we use, which any newer library also serves.
/// </summary>
internal sealed unsafe class OrtApi
{
    /// <summary>ORT_API_VERSION of the header whose slot numbers are used below (ORT 1.17, verified against the 1.26 header).</summary>
    public const uint ApiVersion = 17;

    private static readonly Lazy<OrtApi> Shared = new(Create);

    private OrtApi(nint table, string version)
    {
        var slots = (nint*)table;
        GetErrorCode = (delegate* unmanaged<nint, OrtErrorCode>)slots[Slot.GetErrorCode];
        GetErrorMessage = (delegate* unmanaged<nint, byte*>)slots[Slot.GetErrorMessage];
        CreateEnv = (delegate* unmanaged<int, byte*, nint*, nint>)slots[Slot.CreateEnv];
        CreateSession = (delegate* unmanaged<nint, byte*, nint, nint*, nint>)slots[Slot.CreateSession];
        Run = (delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)slots[Slot.Run];
        CreateSessionOptions = (delegate* unmanaged<nint*, nint>)slots[Slot.CreateSessionOptions];
        SetSessionExecutionMode = (delegate* unmanaged<nint, int, nint>)slots[Slot.SetSessionExecutionMode];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)slots[Slot.SetSessionGraphOptimizationLevel];
        SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)slots[Slot.SetIntraOpNumThreads];
        SetInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)slots[Slot.SetInterOpNumThreads];
        SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)slots[Slot.SessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)slots[Slot.SessionGetOutputCount];
        SessionGetInputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)slots[Slot.SessionGetInputTypeInfo];
        SessionGetOutputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)slots[Slot.SessionGetOutputTypeInfo];
        SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)slots[Slot.SessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)slots[Slot.SessionGetOutputName];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)slots[Slot.CreateTensorWithDataAsOrtValue];
        GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)slots[Slot.GetTensorMutableData];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<nint, nint*, nint>)slots[Slot.CastTypeInfoToTensorInfo];
        GetTensorElementType = (delegate* unmanaged<nint, int*, nint>)slots[Slot.GetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)slots[Slot.GetDimensionsCount];
        GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)slots[Slot.GetDimensions];
        GetTensorTypeAndShape = (delegate* unmanaged<nint, nint*, nint>)slots[Slot.GetTensorTypeAndShape];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)slots[Slot.CreateCpuMemoryInfo];
        AllocatorFree = (delegate* unmanaged<nint, void*, nint>)slots[Slot.AllocatorFree];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)slots[Slot.GetAllocatorWithDefaultOptions];
        ReleaseEnv = (delegate* unmanaged<nint, void>)slots[Slot.ReleaseEnv];
        ReleaseStatus = (delegate* unmanaged<nint, void>)slots[Slot.ReleaseStatus];
        ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)slots[Slot.ReleaseMemoryInfo];
        ReleaseSession = (delegate* unmanaged<nint, void>)slots[Slot.ReleaseSession];
        ReleaseValue = (delegate* unmanaged<nint, void>)slots[Slot.ReleaseValue];
        ReleaseTypeInfo = (delegate* unmanaged<nint, void>)slots[Slot.ReleaseTypeInfo];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<nint, void>)slots[Slot.ReleaseTensorTypeAndShapeInfo];
        ReleaseSessionOptions = (delegate* unmanaged<nint, void>)slots[Slot.ReleaseSessionOptions];
        SessionGetModelMetadata = (delegate* unmanaged<nint, nint*, nint>)slots[Slot.SessionGetModelMetadata];
        ModelMetadataLookupCustomMetadataMap = (delegate* unmanaged<nint, nint, byte*, byte**, nint>)slots[Slot.ModelMetadataLookupCustomMetadataMap];
        ReleaseModelMetadata = (delegate* unmanaged<nint, void>)slots[Slot.ReleaseModelMetadata];
        ModelMetadataGetCustomMetadataMapKeys = (delegate* unmanaged<nint, nint, byte***, long*, nint>)slots[Slot.ModelMetadataGetCustomMetadataMapKeys];
        CreateCudaProviderOptions = (delegate* unmanaged<nint*, nint>)slots[Slot.CreateCUDAProviderOptions];
        UpdateCudaProviderOptions = (delegate* unmanaged<nint, byte**, byte**, nuint, nint>)slots[Slot.UpdateCUDAProviderOptions];
        SessionOptionsAppendExecutionProviderCudaV2 = (delegate* unmanaged<nint, nint, nint>)slots[Slot.SessionOptionsAppendExecutionProvider_CUDA_V2];
        ReleaseCudaProviderOptions = (delegate* unmanaged<nint, void>)slots[Slot.ReleaseCUDAProviderOptions];
        Version = version;
    }

    public static OrtApi Instance => Shared.Value;

    /// <summary>The version string the loaded library reports, e.g. "1.30.0".</summary>
    public string Version { get; }

#pragma warning disable SA1600, CA1051 // The table mirrors the C struct: the slot names document themselves.
    public readonly delegate* unmanaged<nint, OrtErrorCode> GetErrorCode;
    public readonly delegate* unmanaged<nint, byte*> GetErrorMessage;
    public readonly delegate* unmanaged<int, byte*, nint*, nint> CreateEnv;
    public readonly delegate* unmanaged<nint, byte*, nint, nint*, nint> CreateSession;
    public readonly delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> Run;
    public readonly delegate* unmanaged<nint*, nint> CreateSessionOptions;
    public readonly delegate* unmanaged<nint, int, nint> SetSessionExecutionMode;
    public readonly delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads;
    public readonly delegate* unmanaged<nint, int, nint> SetInterOpNumThreads;
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount;
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount;
    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetInputName;
    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    public readonly delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged<nint, void**, nint> GetTensorMutableData;
    public readonly delegate* unmanaged<nint, nint*, nint> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged<nint, int*, nint> GetTensorElementType;
    public readonly delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount;
    public readonly delegate* unmanaged<nint, long*, nuint, nint> GetDimensions;
    public readonly delegate* unmanaged<nint, nint*, nint> GetTensorTypeAndShape;
    public readonly delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged<nint, void*, nint> AllocatorFree;
    public readonly delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged<nint, void> ReleaseEnv;
    public readonly delegate* unmanaged<nint, void> ReleaseStatus;
    public readonly delegate* unmanaged<nint, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseSession;
    public readonly delegate* unmanaged<nint, void> ReleaseValue;
    public readonly delegate* unmanaged<nint, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseSessionOptions;
    public readonly delegate* unmanaged<nint, nint*, nint> SessionGetModelMetadata;
    public readonly delegate* unmanaged<nint, nint, byte*, byte**, nint> ModelMetadataLookupCustomMetadataMap;
    public readonly delegate* unmanaged<nint, void> ReleaseModelMetadata;
    public readonly delegate* unmanaged<nint, nint, byte***, long*, nint> ModelMetadataGetCustomMetadataMapKeys;
    public readonly delegate* unmanaged<nint*, nint> CreateCudaProviderOptions;
    public readonly delegate* unmanaged<nint, byte**, byte**, nuint, nint> UpdateCudaProviderOptions;
    public readonly delegate* unmanaged<nint, nint, nint> SessionOptionsAppendExecutionProviderCudaV2;
    public readonly delegate* unmanaged<nint, void> ReleaseCudaProviderOptions;
#pragma warning restore SA1600, CA1051

    /// <summary>Throws <see cref="OrtException"/> for a non-null status, releasing it either way.</summary>
    public void Check(nint status)
    {
        if (status == 0)
        {
            return;
        }

        var code = GetErrorCode(status);
        var message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status)) ?? "(no message)";
        ReleaseStatus(status);
        throw new OrtException(code, message);
    }

    /// <summary>Frees a string or array that ORT allocated with the default allocator.</summary>
    public void Free(void* pointer)
    {
        if (pointer == null)
        {
            return;
        }

        nint allocator;
        Check(GetAllocatorWithDefaultOptions(&allocator));
        Check(AllocatorFree(allocator, pointer));
    }

    private static OrtApi Create()
    {
        var library = OrtLibrary.Handle;
        var getApiBase = (delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        var apiBase = (nint*)getApiBase();
        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }
        var getApi = (delegate* unmanaged<uint, nint>)apiBase[0];
        var getVersion = (delegate* unmanaged<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersion()) ?? "unknown";
        var table = getApi(ApiVersion);
        if (table == 0)
        {
            throw new OrtException(
                $"ONNX Runtime at {OrtLibrary.LoadedFrom} (version {version}) does not provide API version {ApiVersion}");
        }

        return new OrtApi(table, version);
    }

    /// <summary>Slot numbers in the OrtApi table (zero-based declaration order in onnxruntime_c_api.h).</summary>
    private static class Slot
    {
#pragma warning disable CA1707 // names mirror the C API exactly
        public const int GetErrorCode = 1;
        public const int GetErrorMessage = 2;
        public const int CreateEnv = 3;
        public const int CreateSession = 7;
        public const int Run = 9;
        public const int CreateSessionOptions = 10;
        public const int SetSessionExecutionMode = 13;
        public const int SetSessionGraphOptimizationLevel = 23;
        public const int SetIntraOpNumThreads = 24;
        public const int SetInterOpNumThreads = 25;
        public const int SessionGetInputCount = 30;
        public const int SessionGetOutputCount = 31;
        public const int SessionGetInputTypeInfo = 33;
        public const int SessionGetOutputTypeInfo = 34;
        public const int SessionGetInputName = 36;
        public const int SessionGetOutputName = 37;
        public const int CreateTensorWithDataAsOrtValue = 49;
        public const int GetTensorMutableData = 51;
        public const int CastTypeInfoToTensorInfo = 55;
        public const int GetTensorElementType = 60;
        public const int GetDimensionsCount = 61;
        public const int GetDimensions = 62;
        public const int GetTensorTypeAndShape = 65;
        public const int CreateCpuMemoryInfo = 69;
        public const int AllocatorFree = 76;
        public const int GetAllocatorWithDefaultOptions = 78;
        public const int ReleaseEnv = 92;
        public const int ReleaseStatus = 93;
        public const int ReleaseMemoryInfo = 94;
        public const int ReleaseSession = 95;
        public const int ReleaseValue = 96;
        public const int ReleaseTypeInfo = 98;
        public const int ReleaseTensorTypeAndShapeInfo = 99;
        public const int ReleaseSessionOptions = 100;
        public const int SessionGetModelMetadata = 111;
        public const int ModelMetadataLookupCustomMetadataMap = 116;
        public const int ReleaseModelMetadata = 118;
        public const int ModelMetadataGetCustomMetadataMapKeys = 123;
        public const int CreateCUDAProviderOptions = 205;
        public const int UpdateCUDAProviderOptions = 206;
        public const int SessionOptionsAppendExecutionProvider_CUDA_V2 = 204;
        public const int ReleaseCUDAProviderOptions = 208;
#pragma warning restore CA1707
    }
}
