using System.Globalization;

namespace VideoAnalytics.Silo.Cluster;

/// <summary>
/// A Redis Stream entry id, <c>ms-seq</c>: milliseconds, then a sequence within the millisecond. Ids of one stream
/// increase strictly in that order. The history's positions and the live queues' tokens are both entry ids.
/// </summary>
internal readonly record struct RedisStreamId(ulong Milliseconds, ulong Sequence) : IComparable<RedisStreamId>
{
    /// <summary>Parses <c>ms-seq</c>, or <c>ms</c> alone (sequence 0, as XRANGE reads it).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out RedisStreamId id)
    {
        var dash = text.IndexOf('-');
        var ms = dash < 0 ? text : text[..dash];
        var seq = dash < 0 ? "0" : text[(dash + 1)..];
        if (ms.Length > 0
            && ulong.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && ulong.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var s))
        {
            id = new RedisStreamId(m, s);
            return true;
        }

        id = default;
        return false;
    }

    public static RedisStreamId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a Redis Stream entry id");

    public int CompareTo(RedisStreamId other) =>
        Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds) : Sequence.CompareTo(other.Sequence);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");
}
