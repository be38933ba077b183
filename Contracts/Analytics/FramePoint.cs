using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoAnalytics.Contracts.Analytics;

/// <summary>
/// A point in frame coordinates: 0..1 across the width (x, left to right) and down the height (y, top to bottom),
/// whatever the stream's resolution. In JSON it is a pair, <c>[x, y]</c>, as operators write polygons.
/// </summary>
[GenerateSerializer, Immutable]
[JsonConverter(typeof(FramePointJsonConverter))]
public readonly record struct FramePoint([property: Id(0)] double X, [property: Id(1)] double Y)
{
    public bool IsInFrame => X >= 0 && X <= 1 && Y >= 0 && Y <= 1;
}

/// <summary>Reads and writes a <see cref="FramePoint"/> as <c>[x, y]</c>.</summary>
public sealed class FramePointJsonConverter : JsonConverter<FramePoint>
{
    public override FramePoint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("a point is an array [x, y]");
        }

        Span<double> xy = stackalloc double[2];
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || count == 2)
            {
                throw new JsonException("a point is an array of two numbers [x, y]");
            }

            xy[count++] = reader.GetDouble();
        }

        return count == 2 ? new FramePoint(xy[0], xy[1]) : throw new JsonException("a point is an array of two numbers [x, y]");
    }

    public override void Write(Utf8JsonWriter writer, FramePoint value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        writer.WriteNumberValue(value.X);
        writer.WriteNumberValue(value.Y);
        writer.WriteEndArray();
    }
}
