using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference.Native.Ort;

/// <summary>
/// A float32 tensor whose data is a pinned managed array that ONNX Runtime reads or writes in place (no
/// copy). Create one per shape and reuse it across runs; the ORT value is valid while this object lives.
/// </summary>
public sealed unsafe class PinnedTensor : IDisposable
{
    private readonly float[] _data;
    private readonly long[] _shape;
    private readonly OrtValueHandle _value;

    public PinnedTensor(params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long length = 1;
        foreach (var d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(d, nameof(shape));
            length *= d;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength, nameof(shape));
        _shape = (long[])shape.Clone();
        _data = GC.AllocateArray<float>((int)length, pinned: true);
        var api = OrtApi.Instance;
        _value = new OrtValueHandle();
        nint value;
        fixed (long* dims = _shape)
        {
            api.Check(api.CreateTensorWithDataAsOrtValue(
                OrtEnvironment.CpuMemory.DangerousGetHandle(),
                Unsafe(_data),
                (nuint)(length * sizeof(float)),
                dims,
                (nuint)_shape.Length,
                (int)TensorElementType.Float,
                &value));
        }

        Marshal.InitHandle(_value, value);
    }

    /// <summary>The tensor's elements, row-major; valid while this object lives.</summary>
    public Span<float> Data => _data;

    public ReadOnlySpan<long> Shape => _shape;

    internal nint ValuePointer => _value.DangerousGetHandle();

    public void Dispose() => _value.Dispose();

    // The array is pinned for its lifetime (pinned object heap), so its address is stable.
    private static void* Unsafe(float[] data) => Marshal.UnsafeAddrOfPinnedArrayElement(data, 0).ToPointer();
}
