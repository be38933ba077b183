using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Native.Ort;

namespace VideoAnalytics.Inference;

/// <summary>
/// The pinned input tensor (and, for raw models, the four pinned output tensors) for one batch size.
/// Created on first use of that size and reused for every later run of it.
/// </summary>
internal sealed class BatchBuffers : IDisposable
{
    private readonly PinnedTensor[] _inputs;
    private readonly PinnedTensor[] _sessionOrder;

    public BatchBuffers(int batch, ModelDescription model, int anchors, bool raw)
    {
        Input = new PinnedTensor(batch, 3, model.Input.Height, model.Input.Width);
        _inputs = [Input];
        Raw = raw
            ?
            [
                new PinnedTensor(batch, anchors, 4),
                new PinnedTensor(batch, anchors, 2),
                new PinnedTensor(batch, anchors, 4),
                new PinnedTensor(batch, anchors, model.ClassCount),
            ]
            : [];
        _sessionOrder = new PinnedTensor[Raw.Length];
    }

    public PinnedTensor Input { get; }

    public ReadOnlySpan<PinnedTensor> InputList => _inputs;

    /// <summary>arm_loc, arm_conf, odm_loc, odm_conf (raw models only).</summary>
    public PinnedTensor[] Raw { get; }

    /// <summary>The raw tensors arranged in the session's output order (<paramref name="order"/>[k] = index of Raw[k]).</summary>
    public ReadOnlySpan<PinnedTensor> OutputsInSessionOrder(ReadOnlySpan<int> order)
    {
        for (var k = 0; k < order.Length; k++)
        {
            _sessionOrder[order[k]] = Raw[k];
        }

        return _sessionOrder;
    }

    public void Dispose()
    {
        Input.Dispose();
        foreach (var tensor in Raw)
        {
            tensor.Dispose();
        }
    }
}
