using Microsoft.Extensions.Logging;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>Camera grain log messages (event ids 2100–2199, stable). URLs passed here are already redacted.</summary>
internal static partial class CameraLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Camera {CameraId} starting on silo {Silo}: {Source} ({Kind})")]
    public static partial void Starting(ILogger logger, string cameraId, string silo, string source, CameraSourceKind kind);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Camera {CameraId} streaming from {Source}: {Width}x{Height} at {SourceFps:F1} fps ({Backend}), sampled to {TargetFps:F1} fps")]
    public static partial void Streaming(ILogger logger, string cameraId, string source, int width, int height, double sourceFps, string backend, double targetFps);

    // Backed off by FailureLogThrottle: {Suppressed} counts the retries of this failure that were not logged.
    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Camera {CameraId} source failed ({State}): {Error}; retry {Attempt} in {Delay} ({Suppressed} similar failures not logged since the last line)")]
    public static partial void Retrying(ILogger logger, string cameraId, string state, string error, int attempt, TimeSpan delay, int suppressed);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "Camera {CameraId} recovered after {Failures} failed attempts")]
    public static partial void Recovered(ILogger logger, string cameraId, int failures);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Camera {CameraId} refused: {Error}")]
    public static partial void Refused(ILogger logger, string cameraId, string error);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Camera {CameraId} watchdog: a read has blocked for {Blocked}; abandoning the source and reconnecting")]
    public static partial void Abandoned(ILogger logger, string cameraId, TimeSpan blocked);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Camera {CameraId} stopped: {Reason}")]
    public static partial void Stopped(ILogger logger, string cameraId, string reason);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Debug, Message = "Camera {CameraId} file ended after {Frames} frames; looping")]
    public static partial void Looping(ILogger logger, string cameraId, long frames);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Information, Message = "Camera {CameraId} updated: {Change}")]
    public static partial void Updated(ILogger logger, string cameraId, string change);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Camera {CameraId} updated: sampling to {Fps:0.##} fps")]
    public static partial void FpsChanged(ILogger logger, string cameraId, double fps);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Error, Message = "Camera {CameraId} capture loop crashed; it will restart")]
    public static partial void Crashed(ILogger logger, string cameraId, Exception exception);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Warning, Message = "Camera {CameraId} capture thread did not stop within {Wait}; abandoned (it exits when its native call returns)")]
    public static partial void StopAbandoned(ILogger logger, string cameraId, TimeSpan wait);
}
