using System.Collections.Concurrent;

namespace VideoAnalytics.Silo.Cluster.Resp;

/// <summary>
/// Pub/sub on its own connection (a subscribed connection accepts no other commands). Subscriptions are
/// remembered and made again after every reconnect, so a Redis restart loses only the messages published while
/// it was away; every user of pub/sub here also polls at a slow pace to cover that.
/// </summary>
public sealed class RedisSubscriber : IDisposable
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(250);

    private readonly RedisEndpoint _endpoint;
    private readonly TimeSpan _timeout;
    private readonly Action<string> _onError;
    private readonly ConcurrentDictionary<string, Subscription> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Subscription> _patterns = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startGate = new();
    private volatile RespLink? _link;
    private Task? _loop;

    internal RedisSubscriber(RedisEndpoint endpoint, TimeSpan timeout, Action<string> onError)
    {
        _endpoint = endpoint;
        _timeout = timeout;
        _onError = onError;
    }

    /// <summary>
    /// Calls <paramref name="handler"/> (channel, message) for every message on <paramref name="channel"/>. The task
    /// completes once Redis confirmed the subscription; messages published before that are not seen.
    /// </summary>
    public Task SubscribeAsync(string channel, Action<string, string> handler) => AddAsync(_channels, "SUBSCRIBE", channel, handler);

    /// <summary>As <see cref="SubscribeAsync"/> for every channel matching the glob <paramref name="pattern"/>.</summary>
    public Task PatternSubscribeAsync(string pattern, Action<string, string> handler) => AddAsync(_patterns, "PSUBSCRIBE", pattern, handler);

    public void Dispose()
    {
        // The token source and gate are left to the collector: the read loop may still be unwinding through them.
        _stop.Cancel();
        _link?.Dispose();
    }

    private async Task AddAsync(ConcurrentDictionary<string, Subscription> table, string command, string name, Action<string, string> handler)
    {
        var subscription = table.GetOrAdd(name, _ => new Subscription());
        lock (subscription)
        {
            subscription.Handlers.Add(handler);
        }

        EnsureStarted();
        var link = _link;
        if (link is not null)
        {
            await SendAsync(link, command, [name]);
        }

        await subscription.Confirmed.Task;
    }

    private void EnsureStarted()
    {
        lock (_startGate)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    private async Task SendAsync(RespLink link, string command, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return;
        }

        var args = new object[names.Count + 1];
        args[0] = command;
        for (var i = 0; i < names.Count; i++)
        {
            args[i + 1] = names[i];
        }

        await _writeGate.WaitAsync();
        try
        {
            await link.Stream.WriteAsync(RespProtocol.Encode(args));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // the read loop notices the dead connection and subscribes again after reconnecting
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            RespLink? link = null;
            try
            {
                link = await RespLink.OpenAsync(_endpoint, _timeout, _stop.Token);
                _link = link;
                await SendAsync(link, "SUBSCRIBE", [.. _channels.Keys]);
                await SendAsync(link, "PSUBSCRIBE", [.. _patterns.Keys]);
                while (true)
                {
                    Dispatch(await link.Protocol.ReadAsync(_stop.Token));
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RedisException or IOException or EndOfStreamException or InvalidDataException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                _onError(e.Message);
            }
            finally
            {
                _link = null;
                link?.Dispose();
            }

            try
            {
                await Task.Delay(ReconnectDelay, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Dispatch(RespValue value)
    {
        var items = value.ToArray();
        if (items.Length < 3)
        {
            return;
        }

        switch (items[0].Text)
        {
            case "subscribe":
                Confirm(_channels, items[1].Text);
                break;
            case "psubscribe":
                Confirm(_patterns, items[1].Text);
                break;
            case "message":
                Deliver(_channels, items[1].Text, items[1].Text!, items[2].Text ?? string.Empty);
                break;
            case "pmessage" when items.Length >= 4:
                Deliver(_patterns, items[1].Text, items[2].Text!, items[3].Text ?? string.Empty);
                break;
        }
    }

    private static void Confirm(ConcurrentDictionary<string, Subscription> table, string? name)
    {
        if (name is not null && table.TryGetValue(name, out var subscription))
        {
            subscription.Confirmed.TrySetResult();
        }
    }

    private void Deliver(ConcurrentDictionary<string, Subscription> table, string? name, string channel, string message)
    {
        if (name is null || !table.TryGetValue(name, out var subscription))
        {
            return;
        }

        Action<string, string>[] handlers;
        lock (subscription)
        {
            handlers = [.. subscription.Handlers];
        }

        foreach (var handler in handlers)
        {
            try
            {
                handler(channel, message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _onError("a pub/sub handler failed: " + e.Message);
            }
        }
    }

    private sealed class Subscription
    {
        public List<Action<string, string>> Handlers { get; } = [];

        public TaskCompletionSource Confirmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
