namespace VideoAnalytics.Silo.Sinks;

/// <summary>A sink's spec cannot work as it stands (retrying would not help); <see cref="Exception.Message"/> says why, without credentials.</summary>
public sealed class SinkConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
