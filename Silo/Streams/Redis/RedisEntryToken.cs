using System.Globalization;
using Orleans.Streams;
using VideoAnalytics.Silo.Cluster;

namespace VideoAnalytics.Silo.Streams.Redis;

/// <summary>
/// Where an event sits in a live queue: the Redis Stream entry id (<c>ms-seq</c>) of its batch and its index in the
/// batch. Entry ids increase strictly within a queue, so tokens order as the queue does.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class RedisEntryToken : StreamSequenceToken
{
    public RedisEntryToken(ulong milliseconds, ulong sequence, int eventIndex)
    {
        Milliseconds = milliseconds;
        Sequence = sequence;
        EventIndex = eventIndex;
    }

    [Id(0)]
    public ulong Milliseconds { get; private set; }

    [Id(1)]
    public ulong Sequence { get; private set; }

    [Id(2)]
    public override int EventIndex { get; protected set; }

    /// <summary>Orleans wants one number; milliseconds and sequence packed (a queue never takes 2^20 entries in one ms).</summary>
    public override long SequenceNumber
    {
        get => (long)((Milliseconds << 20) | (Sequence & 0xFFFFF));
        protected set => throw new NotSupportedException("a Redis entry token is made from its entry id");
    }

    /// <summary>Parses a Redis Stream entry id.</summary>
    public static RedisEntryToken Parse(string entryId, int eventIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(entryId);
        var id = RedisStreamId.Parse(entryId);
        return new RedisEntryToken(id.Milliseconds, id.Sequence, eventIndex);
    }

    public RedisEntryToken ForEvent(int eventIndex) => new(Milliseconds, Sequence, eventIndex);

    public override bool Equals(StreamSequenceToken? other) =>
        other is RedisEntryToken token && token.Milliseconds == Milliseconds && token.Sequence == Sequence && token.EventIndex == EventIndex;

    public override bool Equals(object? obj) => Equals(obj as StreamSequenceToken);

    public override int GetHashCode() => HashCode.Combine(Milliseconds, Sequence, EventIndex);

    public override int CompareTo(StreamSequenceToken? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (other is not RedisEntryToken token)
        {
            throw new ArgumentException($"a {other.GetType().Name} cannot be compared with a Redis entry token", nameof(other));
        }

        var byId = (Milliseconds, Sequence).CompareTo((token.Milliseconds, token.Sequence));
        return byId != 0 ? byId : EventIndex.CompareTo(token.EventIndex);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}#{EventIndex}");
}
