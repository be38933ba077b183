using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoAnalytics.Silo.Cluster.Resp;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// This process's connections to the cluster's Redis: one pipelined command connection shared by every provider,
/// and one pub/sub connection. Both connect on first use and reconnect by themselves, so a silo starts while Redis is
/// still coming up and rides out a Redis restart.
/// </summary>
/// <remarks>
/// Our own small RESP2 client rather than StackExchange.Redis: the package feed lacks its dependencies
/// (Pipelines.Sockets.Unofficial, System.IO.Hashing), and the commands we need are few (EVAL, XRANGE, hashes,
/// sets, pub/sub).
/// </remarks>
public sealed partial class RedisConnection : IDisposable
{
    private readonly RespCommandConnection _commands;
    private readonly Lazy<RedisSubscriber> _subscriber;
    private readonly ILogger<RedisConnection> _logger;

    public RedisConnection(IOptions<ClusterOptions> options, ILogger<RedisConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _logger = logger;
        Keys = new ClusterKeys(settings.KeyPrefix);
        Endpoint = RedisEndpoint.Parse(settings.Redis ?? throw new InvalidOperationException("Cluster:Redis is not set"));

        // Commands fail fast while Redis is away instead of queueing: a camera's publish must not wait on a dead Redis.
        _commands = new RespCommandConnection(Endpoint, CommandTimeout);
        _subscriber = new Lazy<RedisSubscriber>(() => new RedisSubscriber(Endpoint, CommandTimeout, reason => LogSubscriberError(reason)));
    }

    public static TimeSpan CommandTimeout { get; } = TimeSpan.FromSeconds(2);

    public ClusterKeys Keys { get; }

    public RedisEndpoint Endpoint { get; }

    public RedisSubscriber Subscriber => _subscriber.Value;

    /// <summary>Sends one command; throws <see cref="RedisException"/> when Redis is unreachable or answers an error.</summary>
    public Task<RespValue> ExecuteAsync(params object[] args) => _commands.ExecuteAsync(args, CancellationToken.None);

    /// <summary>Runs a Lua script (EVAL): atomic on the server, so checks and writes inside it cannot be interleaved.</summary>
    public Task<RespValue> EvalAsync(string script, IReadOnlyList<string> keys, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var command = new object[3 + keys.Count + args.Length];
        command[0] = "EVAL";
        command[1] = script;
        command[2] = keys.Count;
        for (var i = 0; i < keys.Count; i++)
        {
            command[3 + i] = keys[i];
        }

        Array.Copy(args, 0, command, 3 + keys.Count, args.Length);
        return _commands.ExecuteAsync(command, CancellationToken.None);
    }

    public void Dispose()
    {
        _commands.Dispose();
        if (_subscriber.IsValueCreated)
        {
            _subscriber.Value.Dispose();
        }
    }

    [LoggerMessage(EventId = 2410, Level = LogLevel.Warning, Message = "Redis pub/sub connection: {Reason}; reconnecting")]
    private partial void LogSubscriberError(string reason);
}
