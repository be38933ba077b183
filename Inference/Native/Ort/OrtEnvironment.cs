using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference.Native.Ort;

/// <summary>
/// The process-wide ORT environment and CPU memory description. ORT expects one environment per process;
/// it lives until the process exits, because sessions may be created at any time.
/// </summary>
internal static unsafe class OrtEnvironment
{
    private const int LoggingLevelWarning = 2;
    private const int DeviceAllocator = 0; // OrtDeviceAllocator
    private const int MemTypeDefault = 0;  // OrtMemTypeDefault
    private static readonly Lazy<(OrtEnvHandle Env, OrtMemoryInfoHandle Cpu)> Shared = new(Create);

    public static OrtEnvHandle Env => Shared.Value.Env;

    /// <summary>Describes ordinary CPU memory, for tensors over our own pinned arrays.</summary>
    public static OrtMemoryInfoHandle CpuMemory => Shared.Value.Cpu;

    private static (OrtEnvHandle, OrtMemoryInfoHandle) Create()
    {
        var api = OrtApi.Instance;
        var env = new OrtEnvHandle();
        var logId = Marshal.StringToCoTaskMemUTF8("videoanalytics");
        try
        {
            nint envPtr;
            api.Check(api.CreateEnv(LoggingLevelWarning, (byte*)logId, &envPtr));
            Marshal.InitHandle(env, envPtr);
        }
        finally
        {
            Marshal.FreeCoTaskMem(logId);
        }

        var memory = new OrtMemoryInfoHandle();
        nint memoryPtr;
        api.Check(api.CreateCpuMemoryInfo(DeviceAllocator, MemTypeDefault, &memoryPtr));
        Marshal.InitHandle(memory, memoryPtr);
        return (env, memory);
    }
}
