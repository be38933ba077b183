using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>Connections to the test Redis under a fresh key prefix, disposed with the test.</summary>
public sealed class RedisProviders : IDisposable
{
    private readonly List<ClusterRedis> _connections = [];

    public RedisProviders(RedisServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        Options = new ClusterOptions
        {
            Provider = ClusterProvider.Redis,
            Redis = server.Connection,
            KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..12] + ":",
        };
    }

    public ClusterOptions Options { get; }

    /// <summary>A connection of its own, as another process would have; <paramref name="settings"/> (<c>,name=value…</c>) go on the connection string.</summary>
    public ClusterRedis Connect(string settings = "", ILogger<ClusterRedis>? logger = null)
    {
        var options = new ClusterOptions { Provider = Options.Provider, Redis = Options.Redis + settings, KeyPrefix = Options.KeyPrefix };
        var connection = new ClusterRedis(Microsoft.Extensions.Options.Options.Create(options), logger ?? NullLogger<ClusterRedis>.Instance);
        lock (_connections)
        {
            _connections.Add(connection);
        }

        return connection;
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }
}
