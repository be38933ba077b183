namespace VideoAnalytics.Inference.Evaluation;

/// <summary>
/// AP from a ranked list of outcomes. Input: the hit flags of the non-ignored detections in descending
/// score order, and the number of objects that could have been found. All three integrations use the
/// precision envelope (precision at recall r replaced by the best precision at any recall ≥ r), which is
/// what makes AP insensitive to the zig-zag of raw precision.
/// </summary>
internal static class InterpolatedPrecision
{
    /// <summary>VOC2010+: exact area under the envelope, summed over each recall step.</summary>
    public static double AllPoint(IReadOnlyList<bool> hits, int positives)
    {
        var (recall, envelope) = Curve(hits, positives);
        double ap = 0;
        double previousRecall = 0;
        for (var i = 0; i < recall.Length; i++)
        {
            ap += (recall[i] - previousRecall) * envelope[i];
            previousRecall = recall[i];
        }

        return ap;
    }

    /// <summary>VOC2007: the envelope sampled at recall 0, 0.1, …, 1.0 and averaged.</summary>
    public static double ElevenPoint(IReadOnlyList<bool> hits, int positives) => Sampled(hits, positives, 10);

    /// <summary>COCO: the envelope sampled at recall 0, 0.01, …, 1.0 and averaged.</summary>
    public static double HundredOnePoint(IReadOnlyList<bool> hits, int positives) => Sampled(hits, positives, 100);

    private static double Sampled(IReadOnlyList<bool> hits, int positives, int steps)
    {
        var (recall, envelope) = Curve(hits, positives);
        double sum = 0;
        var i = 0;
        for (var k = 0; k <= steps; k++)
        {
            // k / steps rather than accumulating 0.1 so that e.g. recall 1/2 meets the 0.5 point exactly.
            var r = k / (double)steps;
            while (i < recall.Length && recall[i] < r)
            {
                i++;
            }

            // Past the last recall reached, precision is 0 by definition.
            sum += i < recall.Length ? envelope[i] : 0;
        }

        return sum / (steps + 1);
    }

    private static (double[] Recall, double[] Envelope) Curve(IReadOnlyList<bool> hits, int positives)
    {
        if (positives <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(positives), positives, "AP is undefined without positives.");
        }

        var recall = new double[hits.Count];
        var envelope = new double[hits.Count];
        var truePositives = 0;
        for (var i = 0; i < hits.Count; i++)
        {
            if (hits[i])
            {
                truePositives++;
            }

            recall[i] = truePositives / (double)positives;
            envelope[i] = truePositives / (double)(i + 1);
        }

        for (var i = envelope.Length - 2; i >= 0; i--)
        {
            envelope[i] = Math.Max(envelope[i], envelope[i + 1]);
        }

        return (recall, envelope);
    }
}
