using System.Globalization;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>What a subscriber must see on a camera's stream across failovers.</summary>
internal static class StreamAssert
{
    /// <summary>
    /// Positions strictly increase, epochs never go back, and no frame index repeats within an epoch (frame indexes
    /// restart with each owner of a live source, so two owners publishing at once would show as a repeat or as an
    /// older epoch after a newer one).
    /// </summary>
    public static void Continuous(string camera, IReadOnlyList<DetectionSubscriber.Received> frames)
    {
        var seen = new HashSet<(long, long)>();
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            Assert.True(seen.Add((frame.Epoch, frame.FrameIndex)), $"{camera}: frame {frame.FrameIndex} of epoch {frame.Epoch} delivered twice");
            if (i > 0)
            {
                var previous = frames[i - 1];
                Assert.True(Compare(previous.Position, frame.Position) < 0, $"{camera}: position {frame.Position} after {previous.Position}");
                Assert.True(frame.Epoch >= previous.Epoch, $"{camera}: epoch {frame.Epoch} after {previous.Epoch}");
            }
        }
    }

    public static int Compare(string a, string b)
    {
        var (am, asq) = Parse(a);
        var (bm, bsq) = Parse(b);
        return am != bm ? am.CompareTo(bm) : asq.CompareTo(bsq);
    }

    private static (ulong, ulong) Parse(string position)
    {
        var dash = position.IndexOf('-', StringComparison.Ordinal);
        return (ulong.Parse(position[..dash], CultureInfo.InvariantCulture), ulong.Parse(position[(dash + 1)..], CultureInfo.InvariantCulture));
    }
}
