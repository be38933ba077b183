namespace VideoAnalytics.Silo.Hosting;

/// <summary>This silo's name in status, logs and (cluster mode) membership: <c>Silo:Name</c>, else host-pid.</summary>
public sealed record SiloIdentity(string Name);
