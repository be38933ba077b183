namespace VideoAnalytics.Inference.Models;

/// <summary>Channel order of the network input. Frames always arrive as BGR.</summary>
public enum ChannelOrder
{
    Bgr,
    Rgb,
}
