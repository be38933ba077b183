namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>Facts about the loaded OpenCV shim (libva_opencv.so) and the OpenCV behind it.</summary>
public static unsafe class OpenCvRuntime
{
    /// <summary>OpenCV's version string, e.g. "4.6.0".</summary>
    /// <exception cref="DllNotFoundException">libva_opencv.so is not beside the binaries (run <c>make shim</c>).</exception>
    public static string Version
    {
        get
        {
            byte* version;
            OpenCvNative.Check(OpenCvNative.OpenCvVersion(&version));
            return new string((sbyte*)version);
        }
    }

    /// <summary>The shim's ABI version (VA_ABI_VERSION); this binding expects <see cref="ExpectedAbiVersion"/>.</summary>
    public static int AbiVersion
    {
        get
        {
            int abi;
            OpenCvNative.Check(OpenCvNative.ShimAbiVersion(&abi));
            return abi;
        }
    }

    public static int ExpectedAbiVersion => OpenCvNative.AbiVersion;

    /// <summary>Whether this OpenCV build has <paramref name="backend"/> (Any is always available).</summary>
    public static bool IsBackendAvailable(VideoBackend backend)
    {
        int available;
        OpenCvNative.Check(OpenCvNative.BackendAvailable((int)backend, &available));
        return available != 0;
    }
}
