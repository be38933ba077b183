using System.Security.Cryptography;
using System.Text.Json;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Tests.Models;

namespace VideoAnalytics.Tests.Inference;

/// <summary>
/// Tests/Inference/Golden/preprocess-demo.json, written by tools/refinedet/golden_preprocess.py, and the demo frames
/// it was made from, decoded once for all the tests that use them (a class fixture: decoding 420 frames of 720p
/// costs seconds on the loaded test machine).
/// </summary>
public sealed class PreprocessGolden
{
    public PreprocessGolden()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ShippedModel.RepoFile(GoldenFile)));
        var root = document.RootElement;
        var frames = new List<GoldenFrame>();
        foreach (var video in root.GetProperty("videos").EnumerateArray())
        {
            var file = video.GetProperty("file").GetString()!;
            var wanted = video.GetProperty("frames").EnumerateArray()
                .Select(f => (Index: f.GetProperty("index").GetInt32(), Sha256: f.GetProperty("sha256").GetString()!))
                .ToArray();
            frames.AddRange(Decode(file, wanted));
        }

        Frames = frames;
        Cases = root.GetProperty("cases").EnumerateArray().Select(ReadCase).ToArray();
    }

    public const string GoldenFile = "Tests/Inference/Golden/preprocess-demo.json";

    public IReadOnlyList<GoldenFrame> Frames { get; }

    public IReadOnlyList<GoldenCase> Cases { get; }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static GoldenCase ReadCase(JsonElement c) => new(
        c.GetProperty("name").GetString()!,
        c.GetProperty("model").ValueKind == JsonValueKind.Null ? null : c.GetProperty("model").GetString(),
        c.GetProperty("width").GetInt32(),
        c.GetProperty("height").GetInt32(),
        c.GetProperty("channel_order").GetString()!,
        // Python wrote these as doubles and converted them to float32 from the double; read them the same way.
        c.GetProperty("mean").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(),
        c.GetProperty("std").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(),
        c.GetProperty("tensors").EnumerateArray().Select(t => new GoldenTensor(
            t.GetProperty("video").GetString()!,
            t.GetProperty("frame").GetInt32(),
            t.GetProperty("sha256").GetString()!,
            t.GetProperty("samples").EnumerateArray()
                .Select(s => (s[0].GetInt32(), Convert.ToUInt32(s[1].GetString(), 16)))
                .ToArray())).ToArray());

    private static IEnumerable<GoldenFrame> Decode(string file, (int Index, string Sha256)[] wanted)
    {
        using var source = VideoSource.Open(ShippedModel.RepoFile(file));
        var last = wanted.Max(w => w.Index);
        var result = new List<GoldenFrame>();
        for (var k = 0; k <= last; k++)
        {
            var i = Array.FindIndex(wanted, w => w.Index == k);
            if (i < 0)
            {
                Assert.Equal(FrameReadResult.Frame, source.TryGrab(out _));
                continue;
            }

            var pixels = new byte[source.FrameBytes];
            Assert.Equal(FrameReadResult.Frame, source.TryRead(pixels, out var info));
            result.Add(new GoldenFrame(file, k, info.Layout.Width, info.Layout.Height, pixels, wanted[i].Sha256));
        }

        return result;
    }
}

/// <summary>A decoded frame and the SHA-256 Python's cv2 gave the same frame's BGR bytes.</summary>
public sealed record GoldenFrame(string Video, int Index, int Width, int Height, byte[] Pixels, string ExpectedSha256);

/// <summary>One input description and the tensors Python made with it.</summary>
public sealed record GoldenCase(string Name, string? Model, int Width, int Height, string ChannelOrder, float[] Mean, float[] Std, GoldenTensor[] Tensors)
{
    public override string ToString() => Name;
}

/// <summary>SHA-256 of a tensor's little-endian float32 bytes, and (position, float32 bits) samples of it.</summary>
public sealed record GoldenTensor(string Video, int Frame, string Sha256, (int Position, uint Bits)[] Samples);
