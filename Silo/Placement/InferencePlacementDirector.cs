using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using VideoAnalytics.Contracts.Inference;

namespace VideoAnalytics.Silo.Placement;

/// <summary>
/// Orleans' hook for <see cref="InferencePlacementStrategy"/>: the active silo whose name is the key's silo part, when
/// its metadata lists the key's device. Anything else throws, which fails the call that asked for the grain: a
/// pinned grain placed anywhere else would report another silo's device as this one's.
/// </summary>
/// <remarks>The silo's name comes from membership (<c>Silo:Name</c>); its devices from the silo metadata key
/// <see cref="DevicesKey"/>. A silo whose metadata has not reached this one yet is trusted on its name alone: the
/// grain checks its device again when it activates there.</remarks>
public sealed class InferencePlacementDirector(IClusterMembershipService membership, ISiloMetadataCache metadata) : IPlacementDirector
{
    /// <summary>The silo metadata key carrying the silo's <c>Inference:Devices</c>, comma-separated.</summary>
    public const string DevicesKey = "va.inference.devices";

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = target.GrainIdentity.Key.ToString();
        if (!InferenceGrainKey.TryParse(key, out var siloName, out var device))
        {
            throw new ArgumentException($"inference grain key '{key}' is not {{silo}}/{{device}}");
        }

        var snapshot = membership.CurrentSnapshot;
        SiloAddress? chosen = null;
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            // Two entries of one name: a restarted silo whose predecessor is not yet declared dead. The newer one counts.
            if (snapshot.Members.TryGetValue(silo, out var member) && member.Status == SiloStatus.Active
                && string.Equals(member.Name, siloName, StringComparison.Ordinal)
                && (chosen is null || chosen.Generation < silo.Generation))
            {
                chosen = silo;
            }
        }

        if (chosen is null)
        {
            throw new InvalidOperationException($"inference grain '{key}' refused: no active silo is named '{siloName}'");
        }

        if (metadata.GetSiloMetadata(chosen).Metadata.TryGetValue(DevicesKey, out var devices) && !Lists(devices, device))
        {
            throw new InvalidOperationException($"inference grain '{key}' refused: silo '{siloName}' has no inference device '{device}' (it has {devices})");
        }

        return Task.FromResult(chosen);
    }

    private static bool Lists(string devices, string device)
    {
        foreach (var range in devices.AsSpan().Split(','))
        {
            if (devices.AsSpan()[range].Trim().Equals(device, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
