using System.Buffers;
using System.Globalization;
using System.Text;

namespace VideoAnalytics.Silo.Cluster.Resp;

/// <summary>
/// RESP2 framing: commands are written as arrays of bulk strings, replies read back one value at a time from a
/// buffered stream. Numbers are sent in invariant culture, text as UTF-8.
/// </summary>
internal sealed class RespProtocol(Stream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public static byte[] Encode(IReadOnlyList<object> args)
    {
        var writer = new ArrayBufferWriter<byte>(256);
        WriteAscii(writer, "*" + args.Count.ToString(CultureInfo.InvariantCulture) + "\r\n");
        foreach (var arg in args)
        {
            var text = arg switch
            {
                string s => s,
                long l => l.ToString(CultureInfo.InvariantCulture),
                int i => i.ToString(CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => arg.ToString() ?? string.Empty,
            };
            var bytes = Encoding.UTF8.GetBytes(text);
            WriteAscii(writer, "$" + bytes.Length.ToString(CultureInfo.InvariantCulture) + "\r\n");
            writer.Write(bytes);
            WriteAscii(writer, "\r\n");
        }

        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one complete reply; throws <see cref="EndOfStreamException"/> when the server closed the connection.</summary>
    public async ValueTask<RespValue> ReadAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        if (line.Length == 0)
        {
            throw new InvalidDataException("an empty RESP line");
        }

        var rest = line[1..];
        switch (line[0])
        {
            case '+':
                return RespValue.Simple(rest);
            case '-':
                return RespValue.Error(rest);
            case ':':
                return RespValue.FromNumber(long.Parse(rest, NumberStyles.Integer, CultureInfo.InvariantCulture));
            case '$':
                var length = int.Parse(rest, NumberStyles.Integer, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return RespValue.Null;
                }

                var bytes = new byte[length + 2];
                await ReadExactAsync(bytes, cancellationToken);
                return RespValue.Bulk(Encoding.UTF8.GetString(bytes, 0, length));
            case '*':
                var count = int.Parse(rest, NumberStyles.Integer, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return RespValue.Null;
                }

                var items = new RespValue[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = await ReadAsync(cancellationToken);
                }

                return RespValue.Array(items);
            default:
                throw new InvalidDataException($"an unknown RESP type '{line[0]}'");
        }
    }

    private static void WriteAscii(ArrayBufferWriter<byte> writer, string text)
    {
        var span = writer.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        writer.Advance(written);
    }

    private async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = System.Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (index > _start && _buffer[index - 1] == '\r')
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, index - 1 - _start);
                _start = index + 1;
                return line;
            }

            await FillAsync(cancellationToken);
        }
    }

    private async ValueTask ReadExactAsync(byte[] target, CancellationToken cancellationToken)
    {
        var copied = 0;
        while (copied < target.Length)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var n = Math.Min(_end - _start, target.Length - copied);
            System.Array.Copy(_buffer, _start, target, copied, n);
            _start += n;
            copied += n;
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            System.Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("a RESP line longer than the read buffer");
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            throw new EndOfStreamException("Redis closed the connection");
        }

        _end += read;
    }
}
