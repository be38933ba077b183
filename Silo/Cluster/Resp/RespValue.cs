using System.Globalization;

namespace VideoAnalytics.Silo.Cluster.Resp;

/// <summary>One RESP2 reply: a simple string, error, integer, bulk string, array, or null.</summary>
public sealed class RespValue
{
    public static readonly RespValue Null = new(RespKind.Null, null, 0, null);

    private RespValue(RespKind kind, string? text, long integer, RespValue[]? items)
    {
        Kind = kind;
        Text = text;
        Number = integer;
        Items = items;
    }

    public RespKind Kind { get; }

    /// <summary>The text of a simple string, error or bulk string (bulk strings are decoded as UTF-8).</summary>
    public string? Text { get; }

    public long Number { get; }

    public RespValue[]? Items { get; }

    public bool IsNull => Kind == RespKind.Null;

    public static RespValue Simple(string text) => new(RespKind.SimpleString, text, 0, null);

    public static RespValue Error(string text) => new(RespKind.Error, text, 0, null);

    public static RespValue FromNumber(long value) => new(RespKind.Number, null, value, null);

    public static RespValue Bulk(string text) => new(RespKind.BulkString, text, 0, null);

    public static RespValue Array(RespValue[] items) => new(RespKind.Array, null, 0, items);

    /// <summary>An integer reply, or a string that holds one.</summary>
    public long ToInt64() => Kind switch
    {
        RespKind.Number => Number,
        RespKind.SimpleString or RespKind.BulkString => long.Parse(Text!, NumberStyles.Integer, CultureInfo.InvariantCulture),
        _ => throw new InvalidDataException($"a {Kind} reply is not an integer"),
    };

    /// <summary>The items of an array reply; empty for null.</summary>
    public RespValue[] ToArray() => Kind switch
    {
        RespKind.Array => Items!,
        RespKind.Null => [],
        _ => throw new InvalidDataException($"a {Kind} reply is not an array"),
    };

    public override string ToString() => Kind switch
    {
        RespKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        RespKind.Array => "[" + string.Join(", ", Items!.Select(i => i.ToString())) + "]",
        RespKind.Null => string.Empty,
        _ => Text!,
    };
}
