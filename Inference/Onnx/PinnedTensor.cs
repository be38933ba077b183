using Microsoft.ML.OnnxRuntime;

namespace VideoAnalytics.Inference.Onnx;

/// <summary>
/// A float32 tensor whose data is a pinned managed array that ONNX Runtime reads or writes in place (no copy):
/// an <see cref="OrtValue"/> over our own memory. Create one per shape and reuse it across runs; the ORT value is
/// valid while this object lives, and <see cref="Data"/> is the very memory ORT sees.
/// </summary>
public sealed class PinnedTensor : IDisposable
{
    private readonly float[] _data;
    private readonly long[] _shape;

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

        // On the pinned object heap the address never moves, so ORT may keep it across runs and the GC pays
        // nothing for it (a GCHandle pin in the ordinary heap would fragment it).
        _data = GC.AllocateArray<float>((int)length, pinned: true);
        Value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _data.AsMemory(), _shape);
    }

    /// <summary>The tensor's elements, row-major; valid while this object lives.</summary>
    public Span<float> Data => _data;

    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>The ORT value over <see cref="Data"/>; owned by this tensor.</summary>
    internal OrtValue Value { get; }

    public void Dispose() => Value.Dispose();
}
