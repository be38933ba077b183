using VideoAnalytics.Inference;

namespace VideoAnalytics.Tests.Inference;

/// <summary>Frames with known contents for engine tests.</summary>
internal static class TestFrames
{
    public static BgrFrame Uniform(int width, int height, byte value, int stride = 0)
    {
        stride = stride == 0 ? width * 3 : stride;
        var pixels = new byte[stride * height];
        Array.Fill(pixels, value);
        return new BgrFrame(pixels, width, height, stride);
    }

    public static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);
}
