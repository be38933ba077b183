using System.Runtime.InteropServices;

namespace VideoAnalytics.Inference;

/// <summary>One detected object: class id (into the model's labels), score, and corners in source-frame pixels.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct Detection(int ClassId, float Score, float X1, float Y1, float X2, float Y2);
