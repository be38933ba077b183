namespace VideoAnalytics.Inference.Processing;

/// <summary>
/// Reads the output of a fused model, whose graph already decoded boxes and ran NMS: rows of
/// <c>batch index, class id, score, x1, y1, x2, y2</c> with normalized coordinates. Applies the same score
/// threshold, per-image keep-top-k and frame clipping as the raw path, so both forms give the same result type.
/// Top-k per class, objectness and NMS are the graph's, fixed when it was exported.
/// </summary>
public static class FusedOutputReader
{
    public const int RowLength = 7;

    private static readonly Comparison<Detection> ByScore = static (a, b) => b.Score.CompareTo(a.Score);

    /// <summary>
    /// Distributes <paramref name="rows"/> over the frames of <paramref name="results"/> (already reset; this batch's frames start at
    /// <paramref name="firstResult"/>), mapping to each frame's pixel size and sorting each frame's detections by descending score.
    /// </summary>
    public static void Read(ReadOnlySpan<float> rows, ReadOnlySpan<BgrFrame> frames, int classCount, DecodeOptions options, DetectionBatch results, int firstResult = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(results);
        if (rows.Length % RowLength != 0)
        {
            throw new InvalidDataException($"fused output has {rows.Length} values, not a multiple of {RowLength}");
        }

        for (var r = 0; r < rows.Length; r += RowLength)
        {
            var row = rows.Slice(r, RowLength);
            var frame = (int)row[0];
            var classId = (int)row[1];
            var score = row[2];
            if (frame < 0 || frame >= frames.Length || classId <= 0 || classId >= classCount)
            {
                throw new InvalidDataException(
                    $"fused output row {r / RowLength} names frame {frame} and class {classId}; the batch has {frames.Length} frames and the model {classCount} classes");
            }

            if (score <= options.ConfidenceThreshold)
            {
                continue;
            }

            var slot = results.Slot(firstResult + frame);
            var count = results[firstResult + frame].Length;
            float w = frames[frame].Width, h = frames[frame].Height;
            var detection = options.ClipBoxes
                ? new Detection(classId, score, Math.Clamp(row[3] * w, 0f, w), Math.Clamp(row[4] * h, 0f, h), Math.Clamp(row[5] * w, 0f, w), Math.Clamp(row[6] * h, 0f, h))
                : new Detection(classId, score, row[3] * w, row[4] * h, row[5] * w, row[6] * h);
            if (count < slot.Length)
            {
                slot[count] = detection;
                results.SetCount(firstResult + frame, count + 1);
            }
            else
            {
                // Full: replace the weakest if this one is stronger, so the kept set is the top-k by score.
                var weakest = 0;
                for (var i = 1; i < count; i++)
                {
                    if (slot[i].Score < slot[weakest].Score)
                    {
                        weakest = i;
                    }
                }

                if (slot[weakest].Score < score)
                {
                    slot[weakest] = detection;
                }
            }
        }

        for (var f = 0; f < frames.Length; f++)
        {
            results.Slot(firstResult + f)[..results[firstResult + f].Length].Sort(ByScore);
        }
    }
}
