using System.Runtime.InteropServices;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Processing;
using VideoAnalytics.Tests.Models;

namespace VideoAnalytics.Tests.Inference;

/// <summary>
/// The engine's network input equals, bit for bit, what tools/refinedet/network_input.py (the training and evaluation
/// definition: uint8 cv2.resize INTER_LINEAR, then float32 mean/std in the model's channel order) makes of the same
/// demo frames. Golden tensors: Tests/Inference/Golden/preprocess-demo.json (tools/refinedet/golden_preprocess.py).
/// </summary>
public sealed class PreprocessGoldenTests(PreprocessGolden golden) : IClassFixture<PreprocessGolden>
{
    [Fact]
    public void Demo_frames_decode_to_the_bytes_python_decoded()
    {
        // Without this a decoding difference would show up below as a pre-processing one.
        Assert.Equal(4, golden.Frames.Count);
        foreach (var frame in golden.Frames)
        {
            Assert.True(frame.ExpectedSha256 == PreprocessGolden.Sha256(frame.Pixels), $"{frame.Video} frame {frame.Index} decodes differently from cv2");
        }
    }

    [Fact]
    public void Golden_file_covers_320_and_512_both_channel_orders_and_a_dividing_std()
    {
        // Guards against a regenerated file that silently lost the cases the issue asks for.
        Assert.Contains(golden.Cases, c => c.Model is not null && c.Width == 320 && c.Height == 320);
        Assert.Contains(golden.Cases, c => c.Model is not null && c.Width == 512 && c.Height == 512);
        Assert.Contains(golden.Cases, c => c.ChannelOrder == "RGB");
        Assert.Contains(golden.Cases, c => c.Std.Any(s => s != 1f) && c.Width != c.Height);
        Assert.All(golden.Cases, c => Assert.Equal(golden.Frames.Count, c.Tensors.Length));
    }

    [Theory]
    [InlineData("refinedet-lite-320")]
    [InlineData("refinedet-lite-320 at 512")]
    [InlineData("port-style RGB 512")]
    [InlineData("RGB mean/std 384x256")]
    public void Network_input_is_bit_identical_to_python(string name)
    {
        var expectedCase = golden.Cases.Single(c => c.Name == name);
        var spec = Spec(expectedCase);
        var processor = new FramePreprocessor(spec);
        var tensor = new float[processor.FrameTensorLength];
        foreach (var expected in expectedCase.Tensors)
        {
            var frame = golden.Frames.Single(f => f.Video == expected.Video && f.Index == expected.Frame);
            Array.Fill(tensor, float.NaN);
            processor.Process(new BgrFrame(frame.Pixels, frame.Width, frame.Height), tensor);

            // The samples say where and by how much a tensor differs; the hash covers every value.
            foreach (var (position, bits) in expected.Samples)
            {
                var actual = BitConverter.SingleToUInt32Bits(tensor[position]);
                Assert.True(
                    bits == actual,
                    $"{name}, {expected.Video} frame {expected.Frame}, value {position}: python {BitConverter.UInt32BitsToSingle(bits):R} (0x{bits:x8}), engine {tensor[position]:R} (0x{actual:x8})");
            }

            Assert.Equal(expected.Sha256, PreprocessGolden.Sha256(MemoryMarshal.AsBytes(tensor.AsSpan())));
        }
    }

    /// <summary>
    /// The input description as the engine sees it: for the shipped model read from the model file by the engine's own
    /// reader (and checked against what Python read from it), resized for the 512 case.
    /// </summary>
    private static InputSpec Spec(GoldenCase c)
    {
        var order = c.ChannelOrder == "RGB" ? ChannelOrder.Rgb : ChannelOrder.Bgr;
        if (c.Model is null)
        {
            return new InputSpec { Width = c.Width, Height = c.Height, ChannelOrder = order, Mean = c.Mean, Std = c.Std };
        }

        using var detector = RefineDetDetector.Load(ShippedModel.RepoFile(c.Model));
        var input = detector.Model.Input;
        Assert.Equal(order, input.ChannelOrder);
        Assert.Equal(c.Mean, input.Mean);
        Assert.Equal(c.Std, input.Std);
        return input with { Width = c.Width, Height = c.Height };
    }
}
