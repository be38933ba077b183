using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VideoAnalytics.Inference.Evaluation;

/// <summary>CLEAR-MOT and identity (IDF1) figures of a tracked recording; definitions in Evaluation/README.md.</summary>
public sealed record TrackingResult
{
    public int FramesEvaluated { get; init; }

    /// <summary>Ground-truth boxes over the evaluated frames (the denominator of MOTA).</summary>
    public int GroundTruthObjects { get; init; }

    /// <summary>Tracked boxes (detections with a track id) over the evaluated frames.</summary>
    public int TrackedObjects { get; init; }

    public int GroundTruthTracks { get; init; }

    public int Tracks { get; init; }

    /// <summary>Ground-truth boxes paired with a tracked box (IoU ≥ the threshold, same label).</summary>
    public int Matches { get; init; }

    public int FalsePositives { get; init; }

    public int FalseNegatives { get; init; }

    public int IdSwitches { get; init; }

    public int Fragmentations { get; init; }

    /// <summary>Ground-truth tracks matched in at least 80 % of their frames.</summary>
    public int MostlyTracked { get; init; }

    /// <summary>Ground-truth tracks matched in less than 20 % of their frames.</summary>
    public int MostlyLost { get; init; }

    /// <summary>1 − (FN + FP + IDSW) / ground-truth boxes; null without ground truth.</summary>
    public double? Mota { get; init; }

    /// <summary>Mean IoU of the matched pairs; null without matches.</summary>
    public double? Motp { get; init; }

    public int IdTruePositives { get; init; }

    public int IdFalsePositives { get; init; }

    public int IdFalseNegatives { get; init; }

    /// <summary>2·IDTP / (2·IDTP + IDFP + IDFN); null when both sides are empty.</summary>
    public double? Idf1 { get; init; }

    public double? IdPrecision { get; init; }

    public double? IdRecall { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, EvaluationJsonContext.Default.TrackingResult);

    public string ToTable()
    {
        static string F(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
        var b = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        b.AppendLine(c, $"frames {FramesEvaluated}, ground truth {GroundTruthObjects} boxes in {GroundTruthTracks} tracks, tracker {TrackedObjects} boxes in {Tracks} tracks");
        b.AppendLine("MOTA   MOTP   IDF1   IDP    IDR    IDSW  FM    FP    FN    matches  MT  ML");
        b.AppendLine(c, $"{F(Mota),-6} {F(Motp),-6} {F(Idf1),-6} {F(IdPrecision),-6} {F(IdRecall),-6} {IdSwitches,-5} {Fragmentations,-5} {FalsePositives,-5} {FalseNegatives,-5} {Matches,-8} {MostlyTracked,-3} {MostlyLost}");
        b.AppendLine(c, $"IDTP {IdTruePositives}, IDFP {IdFalsePositives}, IDFN {IdFalseNegatives}");
        return b.ToString();
    }
}
