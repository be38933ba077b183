using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Bench.Engine;

/// <summary>
/// Pre-processing of a 1920×1080 and a 1280×720 BGR frame into a 320 and a 512 RefineDet input: the engine's
/// <see cref="FramePreprocessor"/> (uint8 cv::resize through the shim, then the float32 conversion; bit-exact with the Python
/// definition) against the float-interpolating pre-processor it replaced (the baseline, kept below verbatim), which the
/// new one had to be at least as fast as.
/// </summary>
[MemoryDiagnoser]
public class PreprocessBenchmarks
{
    private FramePreprocessor _processor = null!;
    private FloatInterpolatingPreprocessor _previous = null!;
    private float[] _tensor = [];
    private BgrFrame _frame;

    [Params("1080p", "720p")]
    public string Source { get; set; } = "1080p";

    [Params(320, 512)]
    public int InputSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (width, height) = Source == "1080p" ? (1920, 1080) : (1280, 720);
        var pixels = new byte[width * height * 3];
        new Random(3).NextBytes(pixels);
        _frame = new BgrFrame(pixels, width, height);
        var input = (InputSize == 320 ? ModelPresets.RefineDet320 : ModelPresets.RefineDet512).Input;
        _processor = new FramePreprocessor(input);
        _previous = new FloatInterpolatingPreprocessor(input);
        _tensor = new float[_processor.FrameTensorLength];
    }

    [Benchmark(Baseline = true)]
    public void FloatInterpolation() => _previous.Process(_frame, _tensor);

    [Benchmark]
    public void Uint8ResizeThenConvert() => _processor.Process(_frame, _tensor);
}

/// <summary>
/// The engine's pre-processor before issue 14 (commit 1f907b0), unchanged but for its name: bilinear interpolation in
/// float in C#. It is here only as the baseline of <see cref="PreprocessBenchmarks"/>; its output differs from the
/// training definition by up to 0.75 grey levels, which is why the engine no longer uses it.
/// </summary>
internal sealed class FloatInterpolatingPreprocessor
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

        public FloatInterpolatingPreprocessor(InputSpec input)
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
