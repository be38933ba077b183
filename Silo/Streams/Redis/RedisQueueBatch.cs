using Orleans.Runtime;
using Orleans.Streams;

namespace VideoAnalytics.Silo.Streams.Redis;

/// <summary>
/// One producer call's events as a live queue stores them (one Redis Stream entry, written with Orleans' serializer)
/// and as Orleans hands them to consumers. The token is the entry id, set when the entry is read back.
/// </summary>
[GenerateSerializer]
public sealed class RedisQueueBatch : IBatchContainer
{
    public RedisQueueBatch(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext)
    {
        StreamId = streamId;
        Events = events;
        RequestContext = requestContext;
    }

    [Id(0)]
    public StreamId StreamId { get; private set; }

    [Id(1)]
    public List<object> Events { get; private set; }

    [Id(2)]
    public Dictionary<string, object>? RequestContext { get; private set; }

    [Id(3)]
    public RedisEntryToken? Token { get; set; }

    public StreamSequenceToken SequenceToken => Token ?? throw new InvalidOperationException("a batch has a token once it was read from its queue");

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        var token = (RedisEntryToken)SequenceToken;
        for (var i = 0; i < Events.Count; i++)
        {
            if (Events[i] is T item)
            {
                yield return Tuple.Create<T, StreamSequenceToken>(item, token.ForEvent(i));
            }
        }
    }

    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }
}
