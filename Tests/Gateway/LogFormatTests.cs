using System.Globalization;
using System.Text.RegularExpressions;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>Every console log line of the service starts with its UTC time in ISO 8601 (<c>2026-11-21T08:00:00.123Z</c>).</summary>
[Collection(SharedGateway.Name)]
public sealed partial class LogFormatTests(GatewayFixture gateway)
{
    [Fact]
    public void Log_lines_start_with_an_iso_8601_utc_timestamp()
    {
        var lines = gateway.Service.Output.Split('\n');
        var headers = lines.Where(l => Header().IsMatch(l)).ToList();
        Assert.True(headers.Count > 3, $"too few log lines:\n{gateway.Service.Output[..Math.Min(4000, gateway.Service.Output.Length)]}");
        var bare = lines.Where(l => BareHeader().IsMatch(l)).ToList();
        Assert.True(bare.Count == 0, "log lines without a timestamp:\n" + string.Join('\n', bare.Take(10)));

        // The stamps are this run's times, in UTC (the fixture started minutes ago, not hours).
        foreach (var line in headers)
        {
            var stamp = DateTimeOffset.ParseExact(line[..24], "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.InRange(stamp, DateTimeOffset.UtcNow.AddHours(-3), DateTimeOffset.UtcNow.AddMinutes(1));
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex Header();

    [GeneratedRegex(@"^(trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex BareHeader();
}
