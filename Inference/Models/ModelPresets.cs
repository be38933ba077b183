namespace VideoAnalytics.Inference.Models;

/// <summary>
/// The published RefineDet configurations (Zhang et al., CVPR 2018), trained on PASCAL VOC: 21 classes with
/// background, BGR input with mean 104/117/123 and no scaling, four source layers of stride 8/16/32/64 with
/// anchor sizes 32/64/128/256 and aspect ratios {1, 2, 1/2}.
/// </summary>
public static class ModelPresets
{
    public static IReadOnlyList<string> VocLabels { get; } =
    [
        "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    /// <summary>RefineDet320: feature maps 40/20/10/5, 6375 anchors.</summary>
    public static ModelDescription RefineDet320 { get; } = Voc("refinedet320", 320, [40, 20, 10, 5]);

    /// <summary>RefineDet512: feature maps 64/32/16/8, 16320 anchors.</summary>
    public static ModelDescription RefineDet512 { get; } = Voc("refinedet512", 512, [64, 32, 16, 8]);

    /// <summary>Looks a preset up by name (case-insensitive); null when there is none.</summary>
    public static ModelDescription? Find(string name) => name.ToUpperInvariant() switch
    {
        "REFINEDET320" => RefineDet320,
        "REFINEDET512" => RefineDet512,
        _ => null,
    };

    private static ModelDescription Voc(string name, int size, int[] featureMaps) => new()
    {
        Name = name,
        Labels = VocLabels,
        Input = new InputSpec
        {
            Width = size,
            Height = size,
            ChannelOrder = ChannelOrder.Bgr,
            Mean = [104f, 117f, 123f],
            Std = [1f, 1f, 1f],
        },
        Priors = new PriorConfig
        {
            FeatureMaps = featureMaps,
            Steps = [8, 16, 32, 64],
            MinSizes = [32f, 64f, 128f, 256f],
            AspectRatios = [[2f], [2f], [2f], [2f]],
            CenterVariance = 0.1f,
            SizeVariance = 0.2f,
            Clip = true,
        },
        OutputForm = OutputForm.Raw,
    };
}
