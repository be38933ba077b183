using System.Diagnostics.CodeAnalysis;

namespace VideoAnalytics.Contracts.Inference;

/// <summary>
/// The one spelling of an <see cref="IInferenceGrain"/> key: <c>{silo name}/{device}</c>, e.g. <c>silo-1/cuda:0</c>.
/// Device names never hold a slash, so the last one splits the two (a silo name with a slash still round-trips).
/// </summary>
public static class InferenceGrainKey
{
    /// <summary>
    /// The Orleans grain type of inference grains (pinned on the class with <c>[GrainType]</c>), by which a client finds
    /// the active ones in the management grain's statistics without knowing which silos have which devices.
    /// </summary>
    public const string GrainType = "inference";

    public static string Format(string silo, string device)
    {
        ArgumentException.ThrowIfNullOrEmpty(silo);
        ArgumentException.ThrowIfNullOrEmpty(device);
        if (device.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"device name '{device}' holds a '/'", nameof(device));
        }

        return silo + "/" + device;
    }

    /// <summary>Splits <paramref name="key"/>; false when it lacks either part.</summary>
    public static bool TryParse(string? key, [NotNullWhen(true)] out string? silo, [NotNullWhen(true)] out string? device)
    {
        var slash = key?.LastIndexOf('/') ?? -1;
        if (key is null || slash <= 0 || slash == key.Length - 1)
        {
            silo = null;
            device = null;
            return false;
        }

        silo = key[..slash];
        device = key[(slash + 1)..];
        return true;
    }
}
