namespace VideoAnalytics.Silo.Placement;

/// <summary>An active silo as placement sees it: its name (<c>Silo:Name</c>) and weight (<c>Cluster:Capacity</c>).</summary>
public sealed record SiloMember(string Name, double Capacity);
