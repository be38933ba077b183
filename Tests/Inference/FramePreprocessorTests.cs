using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Inference.Processing;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Inference;

public sealed class FramePreprocessorTests
{
    [Fact]
    public void Same_size_frame_is_copied_exactly_with_mean_and_std_per_channel()
    {
        var input = new InputSpec { Width = 4, Height = 3, Mean = [10f, 20f, 30f], Std = [2f, 4f, 5f] };
        var frame = Gradient(4, 3, stride: 4 * 3);
        var tensor = new float[3 * 4 * 3];
        new FramePreprocessor(input).Process(frame, tensor);

        var pixels = frame.Pixels.Span;
        for (var y = 0; y < 3; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    // Exactly the float32 subtraction and division (what numpy computes), not a fused rewrite of it.
                    var expected = ((float)pixels[(y * 12) + (x * 3) + c] - input.Mean[c]) / input.Std[c];
                    Assert.Equal(expected, tensor[(c * 12) + (y * 4) + x]);
                }
            }
        }
    }

    [Fact]
    public void Rgb_models_get_channels_swapped()
    {
        var input = new InputSpec { Width = 2, Height = 2, ChannelOrder = ChannelOrder.Rgb };
        var pixels = new byte[2 * 2 * 3];
        for (var i = 0; i < 4; i++)
        {
            pixels[i * 3] = 1;       // B
            pixels[(i * 3) + 1] = 2; // G
            pixels[(i * 3) + 2] = 3; // R
        }

        var tensor = new float[12];
        new FramePreprocessor(input).Process(new BgrFrame(pixels, 2, 2), tensor);
        Assert.Equal([3f, 3f, 3f, 3f, 2f, 2f, 2f, 2f, 1f, 1f, 1f, 1f], tensor);
    }

    [Fact]
    public void Padded_stride_is_respected()
    {
        var input = new InputSpec { Width = 3, Height = 2 };
        var frame = Gradient(3, 2, stride: 16); // 7 bytes of padding per row
        var tensor = new float[18];
        new FramePreprocessor(input).Process(frame, tensor);
        var pixels = frame.Pixels.Span;
        Assert.Equal(pixels[16 + 6 + 1], tensor[6 + 3 + 2]); // G of pixel (x 2, y 1)
    }

    [Fact]
    public void Downscaling_by_two_averages_pixel_pairs()
    {
        // Pixel-centre mapping: output x samples source 2x+0.5, halfway between columns 2x and 2x+1.
        var input = new InputSpec { Width = 2, Height = 1 };
        byte[] row = [0, 0, 0, 100, 100, 100, 50, 50, 50, 150, 150, 150];
        var frame = new BgrFrame(row.Concat(row).ToArray(), 4, 2);
        var tensor = new float[6];
        new FramePreprocessor(input).Process(frame, tensor);
        Assert.Equal(50f, tensor[0], 1e-4f);
        Assert.Equal(100f, tensor[1], 1e-4f);
    }

    [Fact]
    public void Uniform_frame_of_any_size_maps_to_a_uniform_tensor()
    {
        var input = ModelPresets.RefineDet320.Input;
        var tensor = new float[3 * 320 * 320];
        var processor = new FramePreprocessor(input);
        foreach (var (w, h) in new[] { (1920, 1080), (17, 3), (320, 320), (1, 1) })
        {
            processor.Process(TestFrames.Uniform(w, h, 128), tensor);
            Assert.All(tensor.AsSpan(0, 320 * 320).ToArray(), v => Assert.Equal(128f - 104f, v, 1e-3f));
            Assert.All(tensor.AsSpan(2 * 320 * 320, 320 * 320).ToArray(), v => Assert.Equal(128f - 123f, v, 1e-3f));
        }
    }

    [Theory]
    [InlineData(37, 23, true)]   // two 16-pixel vector runs and a 5-pixel tail per row, dividing std, RGB
    [InlineData(45, 17, false)]  // a 13-pixel tail, std 1 (no divide), BGR
    public void Resized_frames_are_opencvs_uint8_resize_then_converted_exactly(int inputWidth, int inputHeight, bool rgbWithStd)
    {
        // The definition the golden tests check on demo frames, here on noise, odd sizes and a padded stride.
        var input = rgbWithStd
            ? new InputSpec { Width = inputWidth, Height = inputHeight, ChannelOrder = ChannelOrder.Rgb, Mean = [123.675f, 116.28f, 103.53f], Std = [58.395f, 57.12f, 57.375f] }
            : new InputSpec { Width = inputWidth, Height = inputHeight, Mean = [104f, 117.5f, 123f] };
        const int width = 101, height = 59, stride = (width * 3) + 9;
        var pixels = new byte[stride * height];
        new Random(11).NextBytes(pixels);
        var plane = inputWidth * inputHeight;
        var resized = new byte[plane * 3];
        FrameResizer.Resize(pixels, new BgrLayout(width, height, stride), resized, BgrLayout.Packed(inputWidth, inputHeight));

        var tensor = new float[3 * plane];
        new FramePreprocessor(input).Process(new BgrFrame(pixels, width, height, stride), tensor);
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                var bgr = rgbWithStd ? 2 - c : c;
                var expected = ((float)resized[(i * 3) + bgr] - input.Mean[c]) / input.Std[c];
                Assert.True(
                    BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(tensor[(c * plane) + i]),
                    $"pixel {i} channel {c}: expected {expected:R}, got {tensor[(c * plane) + i]:R}");
            }
        }
    }

    [Fact]
    public void A_frame_ending_before_its_last_rows_padding_is_read_like_a_whole_one()
    {
        // BgrFrame allows the buffer to stop after the last row's pixels; the shim wants whole strides.
        var input = new InputSpec { Width = 8, Height = 5, Mean = [1f, 2f, 3f] };
        const int width = 21, height = 13, stride = 80;
        var whole = new byte[stride * height];
        new Random(5).NextBytes(whole);
        var trimmed = whole.AsMemory(0, ((height - 1) * stride) + (width * 3));
        var processor = new FramePreprocessor(input);
        var expected = new float[3 * 8 * 5];
        var actual = new float[3 * 8 * 5];
        processor.Process(new BgrFrame(whole, width, height, stride), expected);
        processor.Process(new BgrFrame(trimmed, width, height, stride), actual);
        Assert.Equal(expected, actual);
        Assert.Equal(0, Allocations.SteadyState(() => processor.Process(new BgrFrame(trimmed, width, height, stride), actual)));
    }

    [Fact]
    public void Steady_state_allocates_nothing()
    {
        var processor = new FramePreprocessor(ModelPresets.RefineDet320.Input);
        var tensor = new float[3 * 320 * 320];
        var frame = TestFrames.Uniform(1280, 720, 77);
        Assert.Equal(0, Allocations.SteadyState(() => processor.Process(frame, tensor)));
        var sameSize = TestFrames.Uniform(320, 320, 77); // no resize: read in place
        Assert.Equal(0, Allocations.SteadyState(() => processor.Process(sameSize, tensor)));
    }

    [Fact]
    public void Too_small_destination_is_refused()
    {
        var processor = new FramePreprocessor(new InputSpec { Width = 4, Height = 4 });
        Assert.Throws<ArgumentException>(() => processor.Process(TestFrames.Uniform(4, 4, 1), new float[47]));
    }

    private static BgrFrame Gradient(int width, int height, int stride)
    {
        var pixels = new byte[stride * height];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 37) % 251);
        }

        return new BgrFrame(pixels, width, height, stride);
    }
}
