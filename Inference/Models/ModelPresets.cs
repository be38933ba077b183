namespace VideoAnalytics.Inference.Models;

/// <summary>
/// Published configurations trained on PASCAL VOC (21 classes with background), named in models/README.md.
/// RefineDet (Zhang et al., CVPR 2018): BGR input with mean 104/117/123 and no scaling (the Caffe release), four
/// source layers of stride 8/16/32/64 with anchor sizes 32/64/128/256 and aspect ratios {1, 2, 1/2}.
/// SSD (Liu et al., ECCV 2016): the prior layouts of the paper's SSD300/SSD512 configurations, with the input
/// convention and prior clipping of the widely used PyTorch port (ssd.pytorch): it subtracts the BGR mean and then
/// swaps to RGB, so the network sees RGB minus 123/117/104.
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

    /// <summary>
    /// SSD300: feature maps 38/19/10/5/3/1 with steps 8/16/32/64/100/300, min sizes 30/60/111/162/213/264, max sizes
    /// 60/111/162/213/264/315, ratios {2}, {2,3}, {2,3}, {2,3}, {2}, {2}: 8732 priors.
    /// </summary>
    public static ModelDescription Ssd300 { get; } = SsdVoc(
        "ssd300", 300, [38, 19, 10, 5, 3, 1], [8, 16, 32, 64, 100, 300], [30f, 60f, 111f, 162f, 213f, 264f],
        [60f, 111f, 162f, 213f, 264f, 315f], [[2f], [2f, 3f], [2f, 3f], [2f, 3f], [2f], [2f]]);

    /// <summary>
    /// SSD512: feature maps 64/32/16/8/4/2/1 with steps 8…512, min sizes 35.84/76.8/153.6/230.4/307.2/384/460.8, max
    /// sizes 76.8…537.6, ratios {2}, {2,3} ×4, {2}, {2}: 24564 priors.
    /// </summary>
    public static ModelDescription Ssd512 { get; } = SsdVoc(
        "ssd512", 512, [64, 32, 16, 8, 4, 2, 1], [8, 16, 32, 64, 128, 256, 512],
        [35.84f, 76.8f, 153.6f, 230.4f, 307.2f, 384f, 460.8f], [76.8f, 153.6f, 230.4f, 307.2f, 384f, 460.8f, 537.6f],
        [[2f], [2f, 3f], [2f, 3f], [2f, 3f], [2f, 3f], [2f], [2f]]);

    /// <summary>Looks a preset up by name (case-insensitive); null when there is none.</summary>
    public static ModelDescription? Find(string name) => name.ToUpperInvariant() switch
    {
        "REFINEDET320" => RefineDet320,
        "REFINEDET512" => RefineDet512,
        "SSD300" => Ssd300,
        "SSD512" => Ssd512,
        _ => null,
    };

    private static ModelDescription SsdVoc(
        string name, int size, int[] featureMaps, int[] steps, float[] minSizes, float[] maxSizes, IReadOnlyList<float>[] ratios) => new()
    {
        Name = name,
        Arch = ModelArch.Ssd,
        Labels = VocLabels,
        Input = new InputSpec
        {
            Width = size,
            Height = size,
            ChannelOrder = ChannelOrder.Rgb,
            Mean = [123f, 117f, 104f],
            Std = [1f, 1f, 1f],
        },
        Priors = new PriorConfig
        {
            FeatureMaps = featureMaps,
            Steps = steps,
            MinSizes = minSizes,
            MaxSizes = maxSizes,
            AspectRatios = ratios,
            CenterVariance = 0.1f,
            SizeVariance = 0.2f,
            Clip = true,
        },
        OutputForm = OutputForm.Raw,
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
