using System.Numerics;
using System.Runtime.InteropServices;
using VideoAnalytics.Inference.Models;

namespace VideoAnalytics.Inference.Processing;

/// <summary>
/// Turns BGR uint8 frames of any size and stride into the network's float NCHW input: bilinear resize
/// (pixel-centre aligned, as OpenCV's INTER_LINEAR), channel reorder, (x − mean) / std. Resizing is
/// separable: a horizontal pass per needed source row into a float scratch row, then a vertical blend
/// and normalization that run over whole rows with SIMD. Sampling tables are cached per source size, so
/// steady state (cameras keep their resolution) allocates nothing. Not thread-safe.
/// </summary>
public sealed class FramePreprocessor
{
    private readonly int _width;
    private readonly int _height;
    private readonly int[] _channelSource; // network channel c reads BGR channel _channelSource[c]
    private readonly float[] _scale = new float[3];
    private readonly float[] _offset = new float[3];
    private readonly float[] _rowA;  // horizontally resized source rows, planar: 3 × width
    private readonly float[] _rowB;
    private int _tableSourceWidth = -1;
    private int _tableSourceHeight = -1;
    private int[] _xIndex = [];
    private float[] _xWeight = [];
    private int[] _yIndex = [];
    private float[] _yWeight = [];

    public FramePreprocessor(InputSpec input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.Validate();
        _width = input.Width;
        _height = input.Height;
        _channelSource = input.ChannelOrder == ChannelOrder.Bgr ? [0, 1, 2] : [2, 1, 0];
        for (var c = 0; c < 3; c++)
        {
            // (x - mean) / std == x * (1/std) + (-mean/std): one fused multiply-add per value.
            _scale[c] = 1f / input.Std[c];
            _offset[c] = -input.Mean[c] / input.Std[c];
        }

        _rowA = new float[3 * _width];
        _rowB = new float[3 * _width];
    }

    /// <summary>Floats one frame occupies in the batch tensor (3 × height × width).</summary>
    public int FrameTensorLength => 3 * _width * _height;

    /// <summary>Writes <paramref name="frame"/> as one [3,H,W] plane set into <paramref name="destination"/>.</summary>
    public void Process(in BgrFrame frame, Span<float> destination)
    {
        frame.Validate(nameof(frame));
        if (destination.Length < FrameTensorLength)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats, needs {FrameTensorLength}", nameof(destination));
        }

        EnsureTables(frame.Width, frame.Height);
        var pixels = frame.Pixels.Span;
        var plane = _width * _height;
        var loadedA = -1;
        var loadedB = -1;
        var rowA = _rowA;
        var rowB = _rowB;
        for (var y = 0; y < _height; y++)
        {
            var y0 = _yIndex[y];
            var y1 = Math.Min(y0 + 1, frame.Height - 1);
            // Consecutive output rows usually share source rows; swap instead of re-sampling.
            if (loadedA != y0)
            {
                if (loadedB == y0)
                {
                    (rowA, rowB) = (rowB, rowA);
                    (loadedA, loadedB) = (loadedB, loadedA);
                }
                else
                {
                    ResampleRow(pixels.Slice(y0 * frame.Stride, frame.Width * 3), rowA);
                    loadedA = y0;
                }
            }

            if (loadedB != y1)
            {
                ResampleRow(pixels.Slice(y1 * frame.Stride, frame.Width * 3), rowB);
                loadedB = y1;
            }

            var wy = _yWeight[y];
            for (var c = 0; c < 3; c++)
            {
                var src = _channelSource[c];
                BlendAndNormalize(
                    rowA.AsSpan(src * _width, _width),
                    rowB.AsSpan(src * _width, _width),
                    wy,
                    _scale[c],
                    _offset[c],
                    destination.Slice((c * plane) + (y * _width), _width));
            }
        }
    }

    private void ResampleRow(ReadOnlySpan<byte> source, float[] planar)
    {
        var b = planar.AsSpan(0, _width);
        var g = planar.AsSpan(_width, _width);
        var r = planar.AsSpan(2 * _width, _width);
        for (var x = 0; x < _width; x++)
        {
            var i0 = _xIndex[2 * x];
            var i1 = _xIndex[(2 * x) + 1];
            var w = _xWeight[x];
            b[x] = source[i0] + ((source[i1] - source[i0]) * w);
            g[x] = source[i0 + 1] + ((source[i1 + 1] - source[i0 + 1]) * w);
            r[x] = source[i0 + 2] + ((source[i1 + 2] - source[i0 + 2]) * w);
        }
    }

    private static void BlendAndNormalize(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, float wy, float scale, float offset, Span<float> output)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vw = new Vector<float>(wy);
            var vs = new Vector<float>(scale);
            var vo = new Vector<float>(offset);
            var t = MemoryMarshal.Cast<float, Vector<float>>(top);
            var bt = MemoryMarshal.Cast<float, Vector<float>>(bottom);
            var o = MemoryMarshal.Cast<float, Vector<float>>(output);
            for (var k = 0; k < t.Length; k++)
            {
                var v = t[k] + ((bt[k] - t[k]) * vw);
                o[k] = (v * vs) + vo;
            }

            i = t.Length * Vector<float>.Count;
        }

        for (; i < top.Length; i++)
        {
            var v = top[i] + ((bottom[i] - top[i]) * wy);
            output[i] = (v * scale) + offset;
        }
    }

    private void EnsureTables(int sourceWidth, int sourceHeight)
    {
        if (sourceWidth == _tableSourceWidth && sourceHeight == _tableSourceHeight)
        {
            return;
        }

        _xIndex = new int[2 * _width];
        _xWeight = new float[_width];
        var sx = (double)sourceWidth / _width;
        for (var x = 0; x < _width; x++)
        {
            Sample(x, sx, sourceWidth, out var x0, out var x1, out var w);
            _xIndex[2 * x] = x0 * 3;
            _xIndex[(2 * x) + 1] = x1 * 3;
            _xWeight[x] = w;
        }

        _yIndex = new int[_height];
        _yWeight = new float[_height];
        var sy = (double)sourceHeight / _height;
        for (var y = 0; y < _height; y++)
        {
            Sample(y, sy, sourceHeight, out var y0, out _, out var w);
            _yIndex[y] = y0;
            _yWeight[y] = w;
        }

        _tableSourceWidth = sourceWidth;
        _tableSourceHeight = sourceHeight;
    }

    /// <summary>Pixel-centre mapping: source = (dst + 0.5)·scale − 0.5, clamped to the image.</summary>
    private static void Sample(int dst, double scale, int sourceSize, out int i0, out int i1, out float weight)
    {
        var s = ((dst + 0.5) * scale) - 0.5;
        if (s <= 0)
        {
            i0 = 0;
            i1 = 0;
            weight = 0f;
            return;
        }

        i0 = (int)s;
        if (i0 >= sourceSize - 1)
        {
            i0 = sourceSize - 1;
            i1 = sourceSize - 1;
            weight = 0f;
            return;
        }

        i1 = i0 + 1;
        weight = (float)(s - i0);
    }
}
