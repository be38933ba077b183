using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace VideoAnalytics.Silo.Placement;

/// <summary>
/// Where a camera belongs: <see cref="RendezvousPlacement"/> over silos by their names and capacities. The placement
/// director asks it for a new activation; a running camera grain asks it on every keeper call whether it still
/// belongs here (a silo joined), so that only the cameras the newcomer wins move, and only to it.
/// </summary>
/// <remarks>Names rather than addresses feed the hash: a silo restarted under the same name gets the same cameras
/// back. Capacity travels as silo metadata (<see cref="CapacityKey"/>); a silo whose metadata has not arrived yet
/// counts as capacity 1.</remarks>
public sealed class CameraPlacement(IClusterMembershipService membership, ISiloMetadataCache metadata, ILocalSiloDetails local)
{
    /// <summary>The silo metadata key carrying <c>Cluster:Capacity</c>.</summary>
    public const string CapacityKey = "va.capacity";

    /// <summary>The silo among <paramref name="silos"/> that should run <paramref name="camera"/>; null when there is none.</summary>
    public SiloAddress? Choose(string camera, IReadOnlyList<SiloAddress> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        if (silos.Count == 0)
        {
            return null;
        }

        var snapshot = membership.CurrentSnapshot;
        var byName = new Dictionary<string, SiloAddress>(silos.Count, StringComparer.Ordinal);
        var members = new List<SiloMember>(silos.Count);
        foreach (var silo in silos)
        {
            var name = snapshot.Members.TryGetValue(silo, out var member) && !string.IsNullOrEmpty(member.Name) ? member.Name : silo.ToString();

            // Two entries of one name: a restarted silo whose predecessor is not yet declared dead. The newer one counts.
            if (byName.TryGetValue(name, out var other))
            {
                if (other.Generation < silo.Generation)
                {
                    byName[name] = silo;
                }

                continue;
            }

            byName[name] = silo;
            members.Add(new SiloMember(name, CapacityOf(silo)));
        }

        var owner = RendezvousPlacement.Owner(camera, members);
        return owner is null ? null : byName[owner];
    }

    /// <summary>Whether <paramref name="camera"/> belongs on this silo among the active ones as membership sees them now.</summary>
    public bool BelongsHere(string camera)
    {
        var active = new List<SiloAddress>();
        foreach (var (address, member) in membership.CurrentSnapshot.Members)
        {
            if (member.Status == SiloStatus.Active)
            {
                active.Add(address);
            }
        }

        // This silo while it joins or stops is not in the active list: it keeps what it runs until membership settles.
        return active.Count == 0 || !active.Contains(local.SiloAddress) || Choose(camera, active) == local.SiloAddress;
    }

    private double CapacityOf(SiloAddress silo) =>
        metadata.GetSiloMetadata(silo).Metadata.TryGetValue(CapacityKey, out var text)
        && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var capacity)
        && capacity > 0
            ? capacity
            : 1;
}
