namespace VideoAnalytics.Inference.Models;

/// <summary>What a RefineDet model's outputs look like.</summary>
public enum OutputForm
{
    /// <summary>Four head tensors (ARM loc/conf, ODM loc/conf); decode and NMS run in C#.</summary>
    Raw,

    /// <summary>One <c>detections [N,7]</c> tensor: decode and NMS already ran inside the graph.</summary>
    Fused,
}
