using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference.Processing;

/// <summary>A (class, anchor) pair whose score passed the threshold; the unit that NMS works on.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Candidate
{
    public float Score;
    public int ClassId;
    public int Anchor;

    /// <summary>Orders by class, then by descending score, so each class is one contiguous, ranked run.</summary>
    /// <remarks>A cached delegate: sorting through a struct IComparer would box it and allocate per sort.</remarks>
    public static readonly Comparison<Candidate> ByClassThenScore = static (a, b) =>
        a.ClassId != b.ClassId ? (a.ClassId < b.ClassId ? -1 : 1) : b.Score.CompareTo(a.Score);

    /// <summary>Orders by descending score only.</summary>
    public static readonly Comparison<Candidate> ByScore = static (a, b) => b.Score.CompareTo(a.Score);
}
