namespace VideoAnalytics.Inference.Evaluation;

/// <summary>Which ground-truth frames take part in an evaluation.</summary>
public enum FrameSelection
{
    /// <summary>
    /// Only frames that have both a ground-truth line and a detection line. The default, because a
    /// recording usually covers part of a video (the service joined late, frames were dropped under load),
    /// and frames it never saw say nothing about the model.
    /// </summary>
    OnlyDetectedFrames,

    /// <summary>Every ground-truth frame; the objects of frames without a detection line are all misses.</summary>
    AllFrames,
}
