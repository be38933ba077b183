using System.Text;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>Reads Server-Sent Events (id, event, data) from a response stream; comments are skipped.</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    public async Task<SseEvent?> NextAsync(CancellationToken cancellationToken)
    {
        string? id = null;
        string? type = null;
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    return new SseEvent(id, type ?? "message", data.ToString());
                }

                id = null;
                type = null;
                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }

        return null; // the server ended the stream
    }

    public void Dispose() => _reader.Dispose();
}

internal sealed record SseEvent(string? Id, string Type, string Data);
