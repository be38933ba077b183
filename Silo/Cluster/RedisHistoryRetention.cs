using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Silo.Streams;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// Retention by age for the Redis detection history (<see cref="StreamOptions.Retention"/>): once a minute, entries
/// captured longer ago are deleted. Every silo runs it; trimming twice is harmless.
/// </summary>
public sealed partial class RedisHistoryRetention(IDetectionStreams streams, IOptions<StreamOptions> options, TimeProvider time, ILogger<RedisHistoryRetention> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (streams is not RedisDetectionStreams redis)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await redis.PruneAsync(time.GetUtcNow() - options.Value.Retention);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogPruneFailed(e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    [LoggerMessage(EventId = 2415, Level = LogLevel.Warning, Message = "Trimming the detection history to its retention failed (next try in a minute): {Reason}")]
    private partial void LogPruneFailed(string reason);
}
