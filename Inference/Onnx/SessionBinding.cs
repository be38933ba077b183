using Microsoft.ML.OnnxRuntime;

namespace VideoAnalytics.Inference.Onnx;

/// <summary>
/// Inputs and outputs bound once to an <see cref="OnnxSession"/> (ORT's I/O binding), so a run passes no names and
/// no values and allocates nothing managed: with preallocated outputs ORT writes the results into our pinned
/// tensors. Create one per batch size and reuse it; not for concurrent runs. Valid while its session and tensors live.
/// </summary>
public sealed class SessionBinding : IDisposable
{
    private readonly OnnxSession _session;
    private readonly OrtIoBinding _binding;
    private readonly TensorInfo? _dynamicOutput;

    internal SessionBinding(OnnxSession session, OrtIoBinding binding, TensorInfo? dynamicOutput)
    {
        _session = session;
        _binding = binding;
        _dynamicOutput = dynamicOutput;
    }

    /// <summary>Runs the model over the bound tensors; the preallocated outputs hold the results afterwards.</summary>
    public void Run() => _session.Run(_binding);

    /// <summary>
    /// Runs the model and copies the one dynamically sized output (see <see cref="OnnxSession.BindDynamic"/>) into
    /// <paramref name="buffer"/>, which is replaced by a larger array only when too small. Returns the number of
    /// elements. ORT allocates the output per run and hands it back as a fresh value, so this costs a few small objects
    /// per run (not per frame, and not growing with the detections).
    /// </summary>
    public int RunAndCopyOutput(ref float[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (_dynamicOutput is null)
        {
            throw new InvalidOperationException("this binding has no dynamic output: use Run()");
        }

        // After a run the binding holds that run's output as if preallocated, and the next run, sized differently,
        // would be refused: bind the output to CPU memory afresh so ORT allocates it to this run's size.
        _binding.BindOutputToDevice(_dynamicOutput.Name, OrtMemoryInfo.DefaultInstance);
        _session.Run(_binding);
        using var outputs = _binding.GetOutputValues();
        var data = outputs[0].GetTensorDataAsSpan<float>();
        if (data.Length > buffer.Length)
        {
            buffer = new float[Math.Max(data.Length, buffer.Length * 2)];
        }

        data.CopyTo(buffer);
        return data.Length;
    }

    public void Dispose() => _binding.Dispose();
}
