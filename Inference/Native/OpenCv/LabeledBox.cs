using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>
/// A box for <see cref="BoxPainter"/>: corners in pixels of the image it is drawn on, a score (negative: not drawn)
/// and an index into the painter's labels (negative with a negative score: no text). Its layout is the shim's
/// <c>va_box</c> (24 bytes), so a span of them is passed to native code without copying.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct LabeledBox(float X1, float Y1, float X2, float Y2, float Score, int Label);
