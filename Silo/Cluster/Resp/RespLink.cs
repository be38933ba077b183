using System.Net.Sockets;

namespace VideoAnalytics.Silo.Cluster.Resp;

/// <summary>One TCP connection to Redis, authenticated; dead once any read or write on it failed.</summary>
internal sealed class RespLink : IDisposable
{
    private readonly TcpClient _client;

    private RespLink(TcpClient client)
    {
        _client = client;
        Stream = client.GetStream();
        Protocol = new RespProtocol(Stream);
    }

    public NetworkStream Stream { get; }

    public RespProtocol Protocol { get; }

    public static async Task<RespLink> OpenAsync(RedisEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            await client.ConnectAsync(endpoint.Host, endpoint.Port, limit.Token);
            var link = new RespLink(client);
            if (endpoint.Password is not null)
            {
                object[] auth = endpoint.User is null ? ["AUTH", endpoint.Password] : ["AUTH", endpoint.User, endpoint.Password];
                await link.Stream.WriteAsync(RespProtocol.Encode(auth), limit.Token);
                var reply = await link.Protocol.ReadAsync(limit.Token);
                if (reply.Kind == RespKind.Error)
                {
                    link.Dispose();
                    throw new RedisException($"Redis at {endpoint} refused the credentials: {reply.Text}");
                }
            }

            return link;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new RedisException($"cannot connect to Redis at {endpoint}: {e.Message}", e);
        }
    }

    public void Dispose() => _client.Dispose();
}
