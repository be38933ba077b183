using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Onnx;

namespace VideoAnalytics.Inference;

/// <summary>
/// The pinned input tensor (and, for raw models, one pinned tensor per raw output of the model's arch) for one batch
/// size, bound to the session once. Created on first use of that size and reused for every later run of it.
/// </summary>
internal sealed class BatchBuffers : IDisposable
{
    // rawOrder: for raw models, the session output index of each of model.RawOutputs (empty for fused ones);
    // fusedOutput: for fused models, the session output index of the detections.
    public BatchBuffers(OnnxSession session, int batch, ModelDescription model, int anchors, ReadOnlySpan<int> rawOrder, int fusedOutput)
    {
        Input = new PinnedTensor(batch, 3, model.Input.Height, model.Input.Width);
        Raw = new PinnedTensor[rawOrder.Length];
        try
        {
            var outputs = model.RawOutputs;
            for (var k = 0; k < Raw.Length; k++)
            {
                Raw[k] = new PinnedTensor(batch, anchors, outputs[k].Width);
            }

            if (Raw.Length > 0)
            {
                var sessionOrder = new PinnedTensor[Raw.Length];
                for (var k = 0; k < rawOrder.Length; k++)
                {
                    sessionOrder[rawOrder[k]] = Raw[k];
                }

                Binding = session.Bind([Input], sessionOrder);
            }
            else
            {
                Binding = session.BindDynamic([Input], fusedOutput);
            }
        }
        catch
        {
            DisposeTensors();
            throw;
        }
    }

    public PinnedTensor Input { get; }

    /// <summary>The raw outputs in the order of <see cref="ModelDescription.RawOutputs"/> (raw models only).</summary>
    public PinnedTensor[] Raw { get; }

    /// <summary>The session run over these tensors.</summary>
    public SessionBinding Binding { get; }

    public void Dispose()
    {
        Binding.Dispose();
        DisposeTensors();
    }

    private void DisposeTensors()
    {
        Input.Dispose();
        foreach (var tensor in Raw)
        {
            tensor?.Dispose(); // null when a later tensor's allocation failed in the constructor
        }
    }
}
