using System.Collections.Concurrent;

namespace VideoAnalytics.Silo.Cluster.Resp;

/// <summary>
/// The command connection: many callers share one socket, their commands pipelined and their replies matched in
/// order (Redis answers in order on a connection). When the socket fails, every waiting caller gets a
/// <see cref="RedisException"/> at once and the next command reconnects, so a Redis restart costs the commands in
/// flight and nothing more. Blocking commands (XREAD BLOCK, BLPOP) must not be sent here: they stall everyone.
/// </summary>
internal sealed class RespCommandConnection(RedisEndpoint endpoint, TimeSpan timeout) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Session? _session;
    private bool _disposed;

    public async Task<RespValue> ExecuteAsync(object[] args, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<RespValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var payload = RespProtocol.Encode(args);
        Session session;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            session = _session is { IsDead: false } current ? current : _session = await Session.OpenAsync(endpoint, timeout, cancellationToken);
            session.Pending.Enqueue(reply);
            try
            {
                await session.Link.Stream.WriteAsync(payload, cancellationToken);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                session.Fail(e);
            }

            if (session.IsDead)
            {
                // The reader may have drained the queue just before we joined it.
                session.Fail(new IOException("the connection closed"));
            }
        }
        finally
        {
            _gate.Release();
        }

        RespValue value;
        try
        {
            value = await reply.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            // Replies are matched by order: once one is missing the connection cannot be trusted.
            session.Fail(e);
            throw new RedisException($"Redis at {endpoint} did not answer {args[0]} within {timeout.TotalSeconds:0.#} s", e);
        }

        return value.Kind == RespKind.Error ? throw new RedisException($"Redis: {value.Text}") : value;
    }

    public void Dispose()
    {
        _disposed = true;
        _session?.Fail(new ObjectDisposedException(nameof(RespCommandConnection)));
        _gate.Dispose();
    }

    private sealed class Session
    {
        private int _dead;

        private Session(RespLink link)
        {
            Link = link;
        }

        public RespLink Link { get; }

        public ConcurrentQueue<TaskCompletionSource<RespValue>> Pending { get; } = new();

        public bool IsDead => Volatile.Read(ref _dead) != 0;

        public static async Task<Session> OpenAsync(RedisEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var session = new Session(await RespLink.OpenAsync(endpoint, timeout, cancellationToken));
            _ = Task.Run(session.ReadRepliesAsync, CancellationToken.None);
            return session;
        }

        public void Fail(Exception cause)
        {
            if (Interlocked.Exchange(ref _dead, 1) != 0)
            {
                FailPending(cause);
                return;
            }

            Link.Dispose();
            FailPending(cause);
        }

        private void FailPending(Exception cause)
        {
            while (Pending.TryDequeue(out var waiting))
            {
                waiting.TrySetException(new RedisException("the Redis connection was lost: " + cause.Message, cause));
            }
        }

        private async Task ReadRepliesAsync()
        {
            try
            {
                while (true)
                {
                    var value = await Link.Protocol.ReadAsync(CancellationToken.None);
                    if (Pending.TryDequeue(out var waiting))
                    {
                        waiting.TrySetResult(value);
                    }
                }
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or InvalidDataException or System.Net.Sockets.SocketException)
            {
                Fail(e);
            }
        }
    }
}
