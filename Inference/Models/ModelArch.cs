namespace VideoAnalytics.Inference.Models;

/// <summary>The detector family, which fixes the raw outputs and how they are decoded.</summary>
public enum ModelArch
{
    /// <summary>
    /// RefineDet: an anchor refinement module (ARM) refines the priors and filters negative anchors, the object
    /// detection module (ODM) classifies and regresses from the refined anchors. Raw outputs arm_loc, arm_conf,
    /// odm_loc, odm_conf; two-step decode.
    /// </summary>
    RefineDet,

    /// <summary>SSD: one head regresses and classifies the priors directly. Raw outputs loc, conf; one-step decode.</summary>
    Ssd,
}
