namespace VideoAnalytics.Silo.Cluster.Resp;

/// <summary>Redis could not be reached, did not answer in time, or answered with an error.</summary>
public class RedisException : Exception
{
    public RedisException()
    {
    }

    public RedisException(string message)
        : base(message)
    {
    }

    public RedisException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
