using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Tests.Inference;

public sealed class PriorBoxesTests
{
    [Fact]
    public void RefineDet320_has_6375_anchors()
    {
        var priors = PriorBoxes.Create(ModelPresets.RefineDet320.Priors, 320, 320);
        Assert.Equal((1600 + 400 + 100 + 25) * 3, priors.Count);
        Assert.Equal(6375, priors.Count);
    }

    [Fact]
    public void RefineDet512_has_16320_anchors()
    {
        var priors = PriorBoxes.Create(ModelPresets.RefineDet512.Priors, 512, 512);
        Assert.Equal((4096 + 1024 + 256 + 64) * 3, priors.Count);
        Assert.Equal(16320, priors.Count);
    }

    [Fact]
    public void First_location_of_320_matches_hand_computed_values()
    {
        var p = PriorBoxes.Create(ModelPresets.RefineDet320.Priors, 320, 320).CenterForm;
        // Centre (0.5·8/320) = 0.0125; square side 32/320 = 0.1; ratio 2: 0.1·√2 by 0.1/√2.
        AssertAnchor(p, 0, 0.0125f, 0.0125f, 0.1f, 0.1f);
        AssertAnchor(p, 1, 0.0125f, 0.0125f, 0.14142136f, 0.07071068f);
        AssertAnchor(p, 2, 0.0125f, 0.0125f, 0.07071068f, 0.14142136f);
        // Next location is one column to the right (row-major): cx = 1.5·8/320 = 0.0375.
        AssertAnchor(p, 3, 0.0375f, 0.0125f, 0.1f, 0.1f);
        // Location 40 starts row 1: cy = 0.0375.
        AssertAnchor(p, 40 * 3, 0.0125f, 0.0375f, 0.1f, 0.1f);
    }

    [Fact]
    public void Layers_follow_each_other_with_their_own_step_and_size()
    {
        var p = PriorBoxes.Create(ModelPresets.RefineDet320.Priors, 320, 320).CenterForm;
        // Layer 1 (20x20, step 16, size 64) starts after 1600 locations.
        AssertAnchor(p, 1600 * 3, 0.025f, 0.025f, 0.2f, 0.2f);
        // Last anchor of layer 0: location (39,39), 1/√2 variant.
        AssertAnchor(p, (1600 * 3) - 1, 39.5f * 8 / 320, 39.5f * 8 / 320, 0.07071068f, 0.14142136f);
        // Layer 3 (5x5, step 64, size 256): 0.8·√2 = 1.13 is clipped to 1.
        var layer3 = (1600 + 400 + 100) * 3;
        AssertAnchor(p, layer3, 0.1f, 0.1f, 0.8f, 0.8f);
        AssertAnchor(p, layer3 + 1, 0.1f, 0.1f, 1f, 0.56568545f);
    }

    [Fact]
    public void Max_sizes_add_one_square_anchor_per_location()
    {
        var config = ModelPresets.RefineDet320.Priors with { MaxSizes = [64f, 128f, 256f, 315f] };
        var priors = PriorBoxes.Create(config, 320, 320);
        Assert.Equal((1600 + 400 + 100 + 25) * 4, priors.Count);
        // √(32·64)/320 = 0.14142
        AssertAnchor(priors.CenterForm, 1, 0.0125f, 0.0125f, 0.14142136f, 0.14142136f);
    }

    [Fact]
    public void Inconsistent_configuration_is_rejected_with_the_key()
    {
        var config = ModelPresets.RefineDet320.Priors with { Steps = [8, 16] };
        var e = Assert.Throws<InvalidDataException>(() => PriorBoxes.Create(config, 320, 320));
        Assert.Contains("priors.steps", e.Message, StringComparison.Ordinal);
    }

    private static void AssertAnchor(ReadOnlySpan<float> p, int index, float cx, float cy, float w, float h)
    {
        Assert.Equal(cx, p[index * 4], 1e-6f);
        Assert.Equal(cy, p[(index * 4) + 1], 1e-6f);
        Assert.Equal(w, p[(index * 4) + 2], 1e-6f);
        Assert.Equal(h, p[(index * 4) + 3], 1e-6f);
    }
}
