using System.Runtime.CompilerServices;
using System.Text;

namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>
/// Draws detections onto BGR frames in place: a rectangle per box in a colour chosen by its label, and a filled tag
/// with "label score" above it. The label strings are encoded once here, so <see cref="Draw"/> allocates nothing.
/// Immutable and thread-safe; text is rendered with OpenCV's Hershey font (ASCII).
/// </summary>
public sealed unsafe class BoxPainter
{
    // UTF-8, NUL-terminated, on the pinned object heap so the pointers below stay valid for the painter's life.
    private readonly byte[] _labelBytes;
    private readonly nint[] _labelPointers;

    /// <param name="labels">Class names, indexed by <see cref="LabeledBox.Label"/>; copied.</param>
    /// <param name="thickness">Rectangle line width in pixels, 1..64.</param>
    /// <param name="fontScale">OpenCV font scale of the tag text, &gt; 0.</param>
    public BoxPainter(IReadOnlyList<string> labels, int thickness = 2, double fontScale = 0.5)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(thickness, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(thickness, 64);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fontScale);
        var total = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(labels[i], nameof(labels));
            total += Encoding.UTF8.GetByteCount(labels[i]) + 1;
        }

        _labelBytes = GC.AllocateArray<byte>(Math.Max(total, 1), pinned: true);
        _labelPointers = new nint[labels.Count];
        var names = new string[labels.Count];
        var offset = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            names[i] = labels[i];
            _labelPointers[i] = (nint)Unsafe.AsPointer(ref _labelBytes[offset]);
            offset += Encoding.UTF8.GetBytes(labels[i], _labelBytes.AsSpan(offset)) + 1;
        }

        Labels = names;
        Thickness = thickness;
        FontScale = fontScale;
    }

    public IReadOnlyList<string> Labels { get; }

    public int Thickness { get; }

    public double FontScale { get; }

    /// <summary>
    /// Draws <paramref name="boxes"/> onto <paramref name="bgr"/> (the caller's, laid out as
    /// <paramref name="layout"/>). Coordinates are clipped to the image; boxes with non-finite corners are skipped;
    /// a label index without a name is drawn as "#index".
    /// </summary>
    /// <exception cref="OpenCvException">The layout does not fit the buffer.</exception>
    public void Draw(Span<byte> bgr, BgrLayout layout, ReadOnlySpan<LabeledBox> boxes)
    {
        fixed (byte* image = bgr)
        fixed (LabeledBox* box = boxes)
        fixed (nint* labels = _labelPointers)
        {
            OpenCvNative.Check(OpenCvNative.DrawBoxes(
                image, layout.Width, layout.Height, layout.Stride, bgr.Length, box, boxes.Length,
                (byte**)labels, _labelPointers.Length, Thickness, FontScale));
        }
    }
}
