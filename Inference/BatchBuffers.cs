using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Onnx;

namespace VideoAnalytics.Inference;

/// <summary>
/// The pinned input tensor (and, for raw models, the four pinned output tensors) for one batch size, bound to the
/// session once. Created on first use of that size and reused for every later run of it.
/// </summary>
internal sealed class BatchBuffers : IDisposable
{
    // rawOrder: for raw models, the session output index of arm_loc, arm_conf, odm_loc, odm_conf (empty for fused
    // ones); fusedOutput: for fused models, the session output index of the detections.
    public BatchBuffers(OnnxSession session, int batch, ModelDescription model, int anchors, ReadOnlySpan<int> rawOrder, int fusedOutput)
    {
        Input = new PinnedTensor(batch, 3, model.Input.Height, model.Input.Width);
        Raw = rawOrder.IsEmpty
            ? []
            :
            [
                new PinnedTensor(batch, anchors, 4),
                new PinnedTensor(batch, anchors, 2),
                new PinnedTensor(batch, anchors, 4),
                new PinnedTensor(batch, anchors, model.ClassCount),
            ];
        try
        {
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

    /// <summary>arm_loc, arm_conf, odm_loc, odm_conf (raw models only).</summary>
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
            tensor.Dispose();
        }
    }
}
