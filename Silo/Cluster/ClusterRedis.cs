using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// This process's connection to the cluster's Redis for our own data: one StackExchange.Redis multiplexer shared by
/// the registry, status board and detection streams (commands and pub/sub), and the names of our keys. It starts
/// while Redis is still away and reconnects by itself; subscriptions are made again on every reconnect.
/// </summary>
/// <remarks>
/// <para>Orleans' Redis providers (membership, grain directory, grain state, reminders) open multiplexers of their own
/// from the same connection string.</para>
/// <para>Scripts go as plain strings through <c>IDatabase.ScriptEvaluateAsync(string, …)</c>:
/// the library loads each once per server and sends EVALSHA, and when a restarted Redis answers NOSCRIPT it loads
/// it again and retries. <see cref="LoadedLuaScript"/> would only send EVALSHA, which fails after every restart until
/// loaded again, and <see cref="LuaScript"/>'s <c>@name</c> parameters rewrite the script and take an object per call
/// (read by reflection) on the publish path, for nothing <c>KEYS</c>/<c>ARGV</c> do not already say.</para>
/// </remarks>
public sealed partial class ClusterRedis : IDisposable
{
    /// <summary>
    /// How long a command may take (and a connection attempt) unless <c>Cluster:Redis</c> says otherwise: a camera's
    /// publish must not wait long on a Redis that stopped answering (the library's defaults are 5 s).
    /// </summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan SubscribeRetry = TimeSpan.FromMilliseconds(250);

    // Time for the library's own resubscription to be answered before ours looks.
    private static readonly TimeSpan ResubscribeGrace = TimeSpan.FromMilliseconds(500);

    private readonly ConnectionMultiplexer _multiplexer;
    private readonly CancellationTokenSource _disposing = new();
    private readonly SemaphoreSlim _resubscribing = new(1, 1);
    private readonly ConcurrentDictionary<Action<RedisChannel, RedisValue>, RedisChannel> _subscriptions = new();
    private readonly ILogger<ClusterRedis> _logger;

    public ClusterRedis(IOptions<ClusterOptions> options, ILogger<ClusterRedis> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _logger = logger;
        Keys = new ClusterKeys(settings.KeyPrefix);

        // With AbortOnConnectFail off this returns after the first attempt even when Redis is down, and the
        // multiplexer keeps trying in the background.
        _multiplexer = ConnectionMultiplexer.Connect(Configuration(settings.Redis ?? throw new InvalidOperationException("Cluster:Redis is not set")));
        _multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(e.ConnectionType, e.EndPoint, e.FailureType, e.Exception?.Message);
        _multiplexer.ConnectionRestored += (_, e) =>
        {
            LogConnectionRestored(e.ConnectionType, e.EndPoint);
            _ = ResubscribeDroppedAsync();
        };
    }

    public ClusterKeys Keys { get; }

    public IConnectionMultiplexer Multiplexer => _multiplexer;

    public IDatabase Database => _multiplexer.GetDatabase();

    /// <summary>
    /// Calls <paramref name="handler"/> (channel, message) for every message on <paramref name="channel"/> (a literal
    /// channel or a pattern). The task completes once Redis confirmed the subscription, however long Redis is away
    /// (it is cancelled when this connection is disposed); after that it is made again after every reconnect.
    /// </summary>
    public async Task SubscribeAsync(RedisChannel channel, Action<string, string> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Action<RedisChannel, RedisValue> deliver = (name, message) =>
        {
            try
            {
                handler(name.ToString(), message.ToString());
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The library would swallow it silently (and skip the channel's other handlers).
                LogHandlerFailed(name.ToString(), e);
            }
        };

        await EnsureSubscribedAsync(channel, deliver);

        // Only now: the check after a reconnect must not take the handler back while this first try still runs.
        _subscriptions[deliver] = channel;
    }

    // Commands fail fast while a connection is not up, SUBSCRIBE too, and the pub/sub connection may still be coming
    // up after Connect returned: try until Redis confirms. The library keeps a refused handler registered, so it is
    // taken back before the next try, which would otherwise add it twice.
    private async Task EnsureSubscribedAsync(RedisChannel channel, Action<RedisChannel, RedisValue> deliver)
    {
        var subscriber = _multiplexer.GetSubscriber();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await subscriber.SubscribeAsync(channel, deliver);
                return;
            }
            catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
            {
                if (attempt == 1)
                {
                    LogSubscribeWaiting(channel, e.Message);
                }
            }

            await UnsubscribeQuietlyAsync(channel, deliver);
            await Task.Delay(SubscribeRetry, _disposing.Token);
        }
    }

    // The library subscribes again by itself when its pub/sub connection is back, but fire-and-forget, and with
    // fail-fast commands that SUBSCRIBE is dropped when the command connection is not back yet (seen here about one
    // Redis restart in ten): after each restored connection, look, and make again what it does not hold.
    private async Task ResubscribeDroppedAsync()
    {
        try
        {
            await Task.Delay(ResubscribeGrace, _disposing.Token);
            await _resubscribing.WaitAsync(_disposing.Token);
            try
            {
                var subscriber = _multiplexer.GetSubscriber();
                foreach (var (deliver, channel) in _subscriptions)
                {
                    if (subscriber.SubscribedEndpoint(channel) is null)
                    {
                        LogResubscribing(channel);
                        await UnsubscribeQuietlyAsync(channel, deliver);
                        await EnsureSubscribedAsync(channel, deliver);
                    }
                }
            }
            finally
            {
                _resubscribing.Release();
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            // disposed meanwhile
        }
    }

    private async Task UnsubscribeQuietlyAsync(RedisChannel channel, Action<RedisChannel, RedisValue> deliver)
    {
        try
        {
            await _multiplexer.GetSubscriber().UnsubscribeAsync(channel, deliver);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            // the handler is off the library's list already; only telling Redis failed, and Redis holds no such subscription
        }
    }

    /// <summary>
    /// The multiplexer's settings: <c>Cluster:Redis</c> in StackExchange.Redis syntax, with our defaults where it is
    /// silent about them.
    /// </summary>
    internal static ConfigurationOptions Configuration(string connectionString)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);

        // A silo or gateway must start while Redis is still coming up, and ride out its restarts.
        configuration.AbortOnConnectFail = false;

        // While no connection is up, fail commands at once rather than queue them until the timeout: the inference
        // grain publishes its cameras' frames one after another, and a dead Redis must cost each frame nothing.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;

        // Try again within a second or two of Redis coming back (the default backs off to 10 s between attempts).
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        var milliseconds = (int)CommandTimeout.TotalMilliseconds;
        if (!Sets(connectionString, "connectTimeout"))
        {
            configuration.ConnectTimeout = milliseconds;
        }

        if (!Sets(connectionString, "syncTimeout"))
        {
            configuration.SyncTimeout = milliseconds;
        }

        if (!Sets(connectionString, "asyncTimeout"))
        {
            configuration.AsyncTimeout = milliseconds;
        }

        return configuration;
    }

    // Whether the connection string names the option (the library does not say whether a value was given or defaulted).
    private static bool Sets(string connectionString, string option)
    {
        foreach (var part in connectionString.Split(',', StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part.AsSpan(0, eq).Trim().Equals(option, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // Disposing twice (as the owner and as the IConnectionMultiplexer registered in DI) is harmless: Close returns once disposed.
    public void Dispose()
    {
        // The token source and gate are left to the collector: a subscription's retry may still be unwinding through them.
        _disposing.Cancel();
        _multiplexer.Dispose();
    }

    [LoggerMessage(EventId = 2410, Level = LogLevel.Warning, Message = "Redis {ConnectionType} connection to {EndPoint} lost ({Failure}: {Reason}); reconnecting")]
    private partial void LogConnectionFailed(ConnectionType connectionType, EndPoint? endPoint, ConnectionFailureType failure, string? reason);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Information, Message = "Redis {ConnectionType} connection to {EndPoint} restored")]
    private partial void LogConnectionRestored(ConnectionType connectionType, EndPoint? endPoint);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Error, Message = "A handler of Redis channel {Channel} failed")]
    private partial void LogHandlerFailed(string channel, Exception exception);

    [LoggerMessage(EventId = 2414, Level = LogLevel.Warning, Message = "The subscription to Redis channel {Channel} was not made again after a reconnect; subscribing again")]
    private partial void LogResubscribing(RedisChannel channel);

    // Debug: right after start the pub/sub connection is often a moment behind; a Redis that is away is reported as such.
    [LoggerMessage(EventId = 2413, Level = LogLevel.Debug, Message = "Subscribing to Redis channel {Channel} waits for the connection ({Reason})")]
    private partial void LogSubscribeWaiting(RedisChannel channel, string reason);
}
