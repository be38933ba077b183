namespace VideoAnalytics.Silo.Sinks;

/// <summary>The receiver did not take a message; <see cref="Exception.Message"/> says why for the sink's status (no credentials).</summary>
public sealed class SinkDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
