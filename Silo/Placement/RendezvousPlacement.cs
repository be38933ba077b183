namespace VideoAnalytics.Silo.Placement;

/// <summary>
/// Rendezvous (highest-random-weight) hashing: each (silo, camera) pair gets a pseudo-random score and the camera
/// goes to the silo with the highest. Every silo computes the same answer from the same member list without
/// talking to the others, and when a silo joins only the cameras it now wins move (to it); when one leaves only its
/// cameras move. Weighted by capacity with the logarithmic method (score = -w / ln u, u uniform in (0,1)), which
/// keeps both properties and gives each silo a share of cameras proportional to its weight.
/// </summary>
public static class RendezvousPlacement
{
    /// <summary>The silo that should run <paramref name="camera"/>, or null when there is no live silo.</summary>
    public static string? Owner(string camera, IReadOnlyList<SiloMember> silos)
    {
        ArgumentNullException.ThrowIfNull(camera);
        ArgumentNullException.ThrowIfNull(silos);
        string? best = null;
        var bestScore = double.NegativeInfinity;
        foreach (var silo in silos)
        {
            var score = Score(silo, camera);
            if (score > bestScore || (score.Equals(bestScore) && string.CompareOrdinal(silo.Name, best) < 0))
            {
                best = silo.Name;
                bestScore = score;
            }
        }

        return best;
    }

    internal static double Score(SiloMember silo, string camera)
    {
        var hash = Mix(Fnv1a(Fnv1a(Fnv1aOffset, silo.Name) ^ 0xff, camera));

        // 53 random bits → u in (0, 1): never 0 (ln 0) nor 1 (division by zero).
        var u = ((hash >> 11) + 0.5) / (1UL << 53);
        return -silo.Capacity / Math.Log(u);
    }

    private const ulong Fnv1aOffset = 0xcbf29ce484222325;

    private static ulong Fnv1a(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * 0x100000001b3;
        }

        return hash;
    }

    // FNV alone leaves similar ids with similar high bits; the SplitMix64 finaliser spreads every input bit.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
        z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
        return z ^ (z >> 31);
    }
}
