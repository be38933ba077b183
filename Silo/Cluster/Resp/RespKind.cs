namespace VideoAnalytics.Silo.Cluster.Resp;

/// <summary>The RESP2 reply types.</summary>
public enum RespKind
{
    SimpleString,
    Error,
    Number,
    BulkString,
    Array,
    Null,
}
