namespace VideoAnalytics.Silo.Cluster;

/// <summary>A live silo as membership sees it: its name and placement weight.</summary>
public sealed record SiloMember(string Name, double Capacity);
