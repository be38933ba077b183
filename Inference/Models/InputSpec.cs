namespace VideoAnalytics.Inference.Models;

/// <summary>How frames are fed to the network: size, channel order and normalization (0–255 scale).</summary>
public sealed record InputSpec
{
    public required int Width { get; init; }

    public required int Height { get; init; }

    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Bgr;

    /// <summary>Subtracted per channel, in the network's channel order.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0f, 0f, 0f];

    /// <summary>Divides after the mean, per channel, in the network's channel order.</summary>
    public IReadOnlyList<float> Std { get; init; } = [1f, 1f, 1f];

    public void Validate()
    {
        if (Width <= 0 || Height <= 0 || Width > 8192 || Height > 8192)
        {
            throw new InvalidDataException($"input.width/input.height must be in 1..8192 (got {Width}x{Height})");
        }

        if (Mean.Count != 3 || Std.Count != 3)
        {
            throw new InvalidDataException("input.mean and input.std must have three values");
        }

        foreach (var s in Std)
        {
            if (!(s > 0))
            {
                throw new InvalidDataException("input.std values must be positive");
            }
        }
    }
}
