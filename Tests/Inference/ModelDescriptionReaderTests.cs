using VideoAnalytics.Inference.Models;

namespace VideoAnalytics.Tests.Inference;

public sealed class ModelDescriptionReaderTests
{
    private static Dictionary<string, string> Metadata() => new()
    {
        ["va.name"] = "m",
        ["va.labels"] = "[\"background\",\"circle\",\"square\"]",
        ["va.input.width"] = "320",
        ["va.input.height"] = "256",
        ["va.input.channel_order"] = "RGB",
        ["va.input.mean"] = "[1,2,3]",
        ["va.input.std"] = "[4,5,6]",
        ["va.priors.feature_maps"] = "[40,20,10,5]",
        ["va.priors.steps"] = "[8,16,32,64]",
        ["va.priors.min_sizes"] = "[32,64,128,256]",
        ["va.priors.max_sizes"] = "[]",
        ["va.priors.aspect_ratios"] = "[[2],[2],[2,3],[2]]",
        ["va.priors.variance"] = "[0.1,0.2]",
        ["va.priors.clip"] = "false",
        ["va.output.form"] = "fused",
        ["va.output.scores"] = "logits",
        ["producer"] = "ignored",
    };

    [Fact]
    public void Reads_every_key()
    {
        var d = ModelDescriptionReader.FromMetadata(Metadata(), "m.onnx", "fallback");
        Assert.Equal("m", d.Name);
        Assert.Equal(["background", "circle", "square"], d.Labels);
        Assert.Equal(320, d.Input.Width);
        Assert.Equal(256, d.Input.Height);
        Assert.Equal(ChannelOrder.Rgb, d.Input.ChannelOrder);
        Assert.Equal([1f, 2f, 3f], d.Input.Mean);
        Assert.Equal([4f, 5f, 6f], d.Input.Std);
        Assert.Equal([40, 20, 10, 5], d.Priors.FeatureMaps);
        Assert.Equal([2f, 3f], d.Priors.AspectRatios[2]);
        Assert.False(d.Priors.Clip);
        Assert.Equal(OutputForm.Fused, d.OutputForm);
        Assert.True(d.ScoresAreLogits);
        Assert.Equal(2, d.ClassIdOf("square"));
        Assert.Equal(-1, d.ClassIdOf("background"));
    }

    [Fact]
    public void Defaults_apply_to_optional_keys()
    {
        var m = Metadata();
        foreach (var key in new[] { "va.name", "va.input.channel_order", "va.input.mean", "va.input.std", "va.priors.max_sizes", "va.priors.variance", "va.priors.clip", "va.output.form", "va.output.scores" })
        {
            m.Remove(key);
        }

        var d = ModelDescriptionReader.FromMetadata(m, "m.onnx", "fallback");
        Assert.Equal("fallback", d.Name);
        Assert.Equal(ChannelOrder.Bgr, d.Input.ChannelOrder);
        Assert.Equal([1f, 1f, 1f], d.Input.Std);
        Assert.Equal(0.1f, d.Priors.CenterVariance);
        Assert.Equal(0.2f, d.Priors.SizeVariance);
        Assert.True(d.Priors.Clip);
        Assert.Equal(OutputForm.Raw, d.OutputForm);
        Assert.False(d.ScoresAreLogits);
    }

    [Theory]
    [InlineData("va.labels", null, "va.labels")]
    [InlineData("va.input.width", "abc", "va.input.width")]
    [InlineData("va.priors.steps", "[8,16]", "priors.steps")]
    [InlineData("va.priors.aspect_ratios", "not json", "va.priors.aspect_ratios")]
    [InlineData("va.output.form", "sideways", "va.output.form")]
    [InlineData("va.input.std", "[1,0,1]", "input.std")]
    [InlineData("va.priors.variance", "[0.1]", "va.priors.variance")]
    public void Bad_or_missing_key_is_named_in_the_error(string key, string? value, string expectedInMessage)
    {
        var m = Metadata();
        if (value is null)
        {
            m.Remove(key);
        }
        else
        {
            m[key] = value;
        }

        var e = Assert.Throws<InvalidDataException>(() => ModelDescriptionReader.FromMetadata(m, "models/x.onnx", "x"));
        Assert.Contains("models/x.onnx", e.Message, StringComparison.Ordinal);
        Assert.Contains(expectedInMessage, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Presets_describe_the_published_configurations()
    {
        Assert.Equal(21, ModelPresets.RefineDet320.ClassCount);
        Assert.Equal([104f, 117f, 123f], ModelPresets.RefineDet512.Input.Mean);
        Assert.Equal(512, ModelPresets.Find("RefineDet512")!.Input.Width);
        Assert.Null(ModelPresets.Find("yolo"));
    }
}
