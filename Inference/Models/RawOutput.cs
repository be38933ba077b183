namespace VideoAnalytics.Inference.Models;

/// <summary>One raw head output a model of some <see cref="ModelArch"/> must have: its name and its last dimension.</summary>
public readonly record struct RawOutput(string Name, int Width);
