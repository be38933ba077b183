using System.Globalization;

namespace VideoAnalytics.Inference.Onnx;

/// <summary>Where a session runs: the CPU, or one CUDA GPU by index. Written <c>cpu</c> or <c>cuda:N</c>.</summary>
public readonly record struct ExecutionDevice(bool IsCuda, int DeviceId)
{
    public static ExecutionDevice Cpu { get; } = new(false, 0);

    public static ExecutionDevice Cuda(int deviceId) => new(true, deviceId);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> (device 0) or <c>cuda:N</c>.</summary>
    public static ExecutionDevice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToUpperInvariant();
        if (t == "CPU")
        {
            return Cpu;
        }

        if (t == "CUDA")
        {
            return Cuda(0);
        }

        if (t.StartsWith("CUDA:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return Cuda(id);
        }

        throw new FormatException($"'{text}' is not a device: expected cpu, cuda or cuda:N");
    }

    public override string ToString() => IsCuda ? $"cuda:{DeviceId}" : "cpu";
}
