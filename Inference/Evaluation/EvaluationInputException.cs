namespace VideoAnalytics.Inference.Evaluation;

/// <summary>A ground-truth or detection file is malformed; the message names the file and line.</summary>
public sealed class EvaluationInputException : Exception
{
    public EvaluationInputException()
    {
    }

    public EvaluationInputException(string message)
        : base(message)
    {
    }

    public EvaluationInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EvaluationInputException(string sourceName, int lineNumber, string reason, Exception? innerException = null)
        : base($"{sourceName}:{lineNumber}: {reason}", innerException)
    {
        SourceName = sourceName;
        LineNumber = lineNumber;
    }

    /// <summary>The file (or other source) the bad line came from.</summary>
    public string? SourceName { get; }

    /// <summary>1-based line number of the bad line; 0 when the problem is not on one line.</summary>
    public int LineNumber { get; }
}
