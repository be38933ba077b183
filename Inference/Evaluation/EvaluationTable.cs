using System.Globalization;
using System.Text;

namespace VideoAnalytics.Inference.Evaluation;

/// <summary>Renders an <see cref="EvaluationResult"/> as a fixed-width table for a terminal.</summary>
internal static class EvaluationTable
{
    private static readonly string[] MetricHeaders = ["AP(VOC)", "AP(07)", "AP", "AP50", "AP75", "APs", "APm", "APl"];

    public static string Format(EvaluationResult result)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Frames evaluated: {result.FramesEvaluated}");
        if (result.Frames == FrameSelection.OnlyDetectedFrames)
        {
            text.Append(CultureInfo.InvariantCulture, $" (frames with detections; {Frames(result.GroundTruthFramesWithoutDetections)} of ground truth without detections skipped)");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $" (all ground-truth frames; {Frames(result.GroundTruthFramesWithoutDetections)} without detections count as misses)");
        }

        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Detection frames without ground truth (ignored): {result.DetectionFramesWithoutGroundTruth}").AppendLine();
        text.AppendLine();

        var labelWidth = "class".Length;
        foreach (var c in result.Classes)
        {
            labelWidth = Math.Max(labelWidth, c.Label.Length);
        }

        labelWidth = Math.Max(labelWidth, "mean".Length);
        var header = new StringBuilder();
        header.Append("class".PadRight(labelWidth)).Append("    id      GT     det      TP      FP");
        foreach (var h in MetricHeaders)
        {
            header.Append(h.PadLeft(9));
        }

        text.Append(header).AppendLine();
        text.Append('-', header.Length).AppendLine();
        foreach (var c in result.Classes)
        {
            Row(text, c.Label.PadRight(labelWidth), Number(c.ClassId, 6), c.GroundTruthCount, c.DetectionCount, c.TruePositives, c.FalsePositives, c.AveragePrecision);
        }

        text.Append('-', header.Length).AppendLine();
        Row(text, "mean".PadRight(labelWidth), new string(' ', 6), result.GroundTruthCount, result.DetectionCount, result.TruePositives, result.FalsePositives, result.Mean);
        text.AppendLine();
        text.AppendLine("AP(VOC): VOC2010+ all-point AP at IoU 0.5.  AP(07): VOC2007 11-point AP at IoU 0.5.");
        text.AppendLine("AP: COCO AP@[.5:.95] (101-point).  AP50/AP75: COCO AP at IoU 0.5/0.75.");
        text.AppendLine("APs/APm/APl: COCO AP@[.5:.95] for objects up to 32x32 px, 32x32 to 96x96 px, from 96x96 px.");
        text.AppendLine("TP/FP at IoU 0.5.  n/a: no ground truth for the class (not in the mean).");
        return text.ToString();
    }

    private static void Row(StringBuilder text, string label, string id, int groundTruth, int detections, int truePositives, int falsePositives, AveragePrecisions ap)
    {
        text.Append(label).Append(id)
            .Append(Number(groundTruth, 8)).Append(Number(detections, 8))
            .Append(Number(truePositives, 8)).Append(Number(falsePositives, 8));
        foreach (var value in new[] { ap.Voc, ap.Voc07, ap.Coco, ap.Coco50, ap.Coco75, ap.CocoSmall, ap.CocoMedium, ap.CocoLarge })
        {
            var cell = value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
            text.Append(cell.PadLeft(9));
        }

        text.AppendLine();
    }

    private static string Frames(int count) => count == 1 ? "1 frame" : count.ToString(CultureInfo.InvariantCulture) + " frames";

    private static string Number(int value, int width) => value.ToString(CultureInfo.InvariantCulture).PadLeft(width);
}
